package org.bastionmail.dane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bastionmail.dane.TestCerts.tlsa;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.bastionmail.config.Config;
import org.bastionmail.delivery.OutboundTransport;
import org.bastionmail.delivery.SmtpTransport;
import org.bastionmail.dns.DnsResolver;
import org.bastionmail.dns.DnsjavaResolver;
import org.bastionmail.dns.testserver.TestDnsServer;
import org.bastionmail.dns.testserver.TestZone;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.mtasts.HttpsPolicyFetcher;
import org.bastionmail.mtasts.MtaSts;
import org.bastionmail.mtasts.StsCertificateCheck;
import org.bastionmail.queue.Envelope;
import org.bastionmail.routing.AddressFamilies;
import org.bastionmail.routing.MxResolver;
import org.bastionmail.routing.RoutingSettings;
import org.bastionmail.server.RunningServer;
import org.bastionmail.smtp.client.ClientSettings;
import org.bastionmail.tlsrpt.TlsResultRecorder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DANE through the real SMTP transport against a receiving Bastion, with DNSSEC-signed zones on a loopback
 * DNS server: a TLSA record matching the receiver's certificate authenticates it (even self-signed), a wrong
 * one stops delivery to that host.
 */
class DaneEnforcementTest {
    private static final String SOA = "@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\n";

    @TempDir
    static Path dir;
    static RunningServer receiver;
    static TestDnsServer dnsServer;
    static DnsResolver dns;

    @BeforeAll
    static void start() throws Exception {
        receiver = RunningServer.start(dir.resolve("receiver"),
                c -> c.withDomains("mx.remote.test", List.of("remote.test", "wrong.test")));
        receiver.addUser("bob@remote.test", "bob's password");
        receiver.addUser("carol@wrong.test", "carol's password");
        X509Certificate certificate;
        try (InputStream in = Files.newInputStream(receiver.certificate())) {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        int port = receiver.port("smtp");
        String right = tlsa(3, 1, 1, certificate).toString();
        String wrong = "3 1 1 " + "00".repeat(32);
        TestZone test = TestZone.parse("test", SOA + """
                remote MX 10 mx.remote
                mx.remote A 127.0.0.1
                _%1$d._tcp.mx.remote TLSA %2$s
                wrong MX 10 mx.wrong
                mx.wrong A 127.0.0.1
                _%1$d._tcp.mx.wrong TLSA %3$s
                """.formatted(port, right, wrong)).sign();
        TestZone root = TestZone.parse(".", "@ SOA ns.test. hostmaster.test. 1 3600 600 86400 300\n@ NS ns.test.\n")
                .delegate(test).sign();
        dnsServer = TestDnsServer.start(root, test);
        Path anchors = dir.resolve("anchors.txt");
        Files.writeString(anchors, root.ds().orElseThrow() + "\n");
        dns = DnsjavaResolver.create(new Config.Dns(List.of(dnsServer.address()), Duration.ofSeconds(2), Optional.of(anchors), true));
    }

    @AfterAll
    static void stop() throws Exception {
        dnsServer.close();
        receiver.close();
    }

    private static Map<OutboundTransport.Key, OutboundTransport.Outcome> send(String recipient, String token) throws Exception {
        return send(recipient, token, "");
    }

    private static Map<OutboundTransport.Key, OutboundTransport.Outcome> send(String recipient, String token, String extraFields)
            throws Exception {
        Path dataDir = Files.createDirectories(dir.resolve("sender-" + token));
        int port = receiver.port("smtp");
        SmtpTransport transport = new SmtpTransport(
                new MxResolver(dns, new RoutingSettings(port, AddressFamilies.IPV4_FIRST, Set.of("mx.example.test"), 10),
                        RandomGenerator.getDefault()),
                Optional.empty(), new DaneLookup(dns, port),
                new MtaSts(dns, HttpsPolicyFetcher.withDefaultTrust(dns), dataDir, Clock.systemUTC()),
                StsCertificateCheck.withDefaultTrust(), new TlsResultRecorder(dataDir, Clock.systemUTC()),
                ClientSettings.defaults("mx.example.test"));
        Path content = dataDir.resolve("m.eml");
        Files.writeString(content, "From: alice@example.test\r\nTo: " + recipient + "\r\nSubject: " + token + "\r\n"
                + extraFields + "\r\nhi\r\n");
        MailAddress to = MailAddress.parse(recipient);
        Envelope envelope = new Envelope(Optional.of(MailAddress.parse("alice@example.test")), List.of(Envelope.Recipient.of(to)),
                Envelope.BodyType.SEVEN_BIT, false, Optional.empty(), Optional.empty(), false, "127.0.0.1",
                "client.example.test", Optional.of("alice@example.test"), Instant.now());
        return transport.deliver(to.domain(), List.of(new OutboundTransport.Message(token, envelope, content, List.of(to))));
    }

    @Test
    void aMatchingTlsaRecordAuthenticatesEvenASelfSignedCertificate() throws Exception {
        String token = "dane-right-" + System.nanoTime();
        assertThat(send("bob@remote.test", token).values()).singleElement()
                .isInstanceOfSatisfying(OutboundTransport.Outcome.Delivered.class,
                        delivered -> assertThat(delivered.detail()).contains("verified").doesNotContain("unverified"));
        assertThat(receiver.inbox("bob@remote.test", Duration.ofSeconds(5))).anyMatch(m -> m.contains(token));
    }

    @Test
    void aSenderWhoWritesTlsRequiredNoIsDeliveredDespiteTheWrongRecord() throws Exception {
        // RFC 8689 5: the sender asked that TLS policies not stop this message
        String token = "dane-optional-" + System.nanoTime();
        assertThat(send("carol@wrong.test", token, "TLS-Required: No\r\n").values()).singleElement()
                .isInstanceOf(OutboundTransport.Outcome.Delivered.class);
        assertThat(receiver.inbox("carol@wrong.test", Duration.ofSeconds(5))).anyMatch(m -> m.contains(token));
    }

    @Test
    void aWrongTlsaRecordStopsDeliveryToThatHost() throws Exception {
        String token = "dane-wrong-" + System.nanoTime();
        assertThat(send("carol@wrong.test", token).values()).singleElement()
                .isInstanceOfSatisfying(OutboundTransport.Outcome.TempFailed.class,
                        failed -> assertThat(failed.reason()).startsWith("4.").contains("DANE"));
        assertThat(receiver.inbox("carol@wrong.test", Duration.ofSeconds(2))).noneMatch(m -> m.contains(token));
    }
}
