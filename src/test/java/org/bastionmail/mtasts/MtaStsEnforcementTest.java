package org.bastionmail.mtasts;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
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
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bastionmail.config.Config;
import org.bastionmail.dane.DaneLookup;
import org.bastionmail.delivery.OutboundTransport;
import org.bastionmail.delivery.SmtpTransport;
import org.bastionmail.dns.DnsjavaResolver;
import org.bastionmail.dns.testserver.TestDnsServer;
import org.bastionmail.dns.testserver.TestZone;
import org.bastionmail.mail.MailAddress;
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
 * MTA-STS enforced by the real SMTP transport against a receiving Bastion: with the policy in mode enforce, a
 * certificate the sender cannot validate stops delivery (no downgrade) and is recorded for the TLS report; once
 * the certificate validates, the same message goes through.
 */
class MtaStsEnforcementTest {
    private static final String SOA = "@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\n";
    private static final String POLICY = "version: STSv1\nmode: enforce\nmx: mx.remote.test\nmax_age: 86400\n";

    @TempDir
    static Path receiverDir;
    @TempDir
    static Path senderDir;
    static RunningServer receiver;
    static HttpsServer policyServer;
    static TestDnsServer dns;
    static DnsjavaResolver resolver;
    static TestPki pki;

    @BeforeAll
    static void start() throws Exception {
        receiver = RunningServer.start(receiverDir, c -> c.withDomains("mx.remote.test", List.of("remote.test")));
        receiver.addUser("bob@remote.test", "bob's password");
        pki = new TestPki("Test MTA-STS CA");
        policyServer = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        policyServer.setHttpsConfigurator(new HttpsConfigurator(pki.issue("mta-sts.remote.test").serverContext()));
        policyServer.createContext("/.well-known/mta-sts.txt", exchange -> {
            byte[] body = POLICY.getBytes(StandardCharsets.US_ASCII);
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, body.length);
            try (var out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        policyServer.start();
        dns = TestDnsServer.start(TestZone.parse("remote.test", SOA + """
                @ MX 10 mx
                mx A 127.0.0.1
                mta-sts A 127.0.0.1
                _mta-sts TXT "v=STSv1; id=20261127"
                _smtp._tls TXT "v=TLSRPTv1; rua=mailto:tlsrpt@remote.test"
                """));
        resolver = DnsjavaResolver.create(new Config.Dns(List.of(dns.address()), Duration.ofSeconds(2), Optional.empty(), false));
    }

    @AfterAll
    static void stop() throws Exception {
        policyServer.stop(0);
        dns.close();
        receiver.close();
    }

    private static SmtpTransport transport(X509TrustManager mxTrust, Path dataDir) throws Exception {
        MxResolver routes = new MxResolver(resolver, new RoutingSettings(receiver.port("smtp"), AddressFamilies.IPV4_FIRST,
                Set.of("mx.example.test"), 10), RandomGenerator.getDefault());
        HttpsPolicyFetcher fetcher = new HttpsPolicyFetcher(resolver, pki.clientContext(),
                new HttpsPolicyFetcher.Settings(Duration.ofSeconds(10), policyServer.getAddress().getPort(), 65536));
        return new SmtpTransport(routes, Optional.empty(), new DaneLookup(resolver, receiver.port("smtp")),
                new MtaSts(resolver, fetcher, dataDir, Clock.systemUTC()), new StsCertificateCheck(mxTrust),
                new TlsResultRecorder(dataDir, Clock.systemUTC()), ClientSettings.defaults("mx.example.test"));
    }

    private static OutboundTransport.Message message(Path dir, String token) throws Exception {
        Path content = dir.resolve(token + ".eml");
        Files.writeString(content, "From: alice@example.test\r\nTo: bob@remote.test\r\nSubject: " + token + "\r\n\r\nhello\r\n");
        Envelope envelope = new Envelope(Optional.of(MailAddress.parse("alice@example.test")),
                List.of(Envelope.Recipient.of(MailAddress.parse("bob@remote.test"))), Envelope.BodyType.SEVEN_BIT, false,
                Optional.empty(), Optional.empty(), false, "127.0.0.1", "client.example.test", Optional.of("alice@example.test"),
                Instant.now());
        return new OutboundTransport.Message("q" + token.substring(0, 8), envelope, content, List.of(MailAddress.parse("bob@remote.test")));
    }

    private static X509TrustManager trusting(Path certificate) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (InputStream in = Files.newInputStream(certificate)) {
            store.setCertificateEntry("receiver", (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(store);
        return (X509TrustManager) factory.getTrustManagers()[0];
    }

    @Test
    void anUnverifiableCertificateStopsDeliveryUnderEnforceAndIsReported() throws Exception {
        Path dataDir = senderDir.resolve("untrusted");
        Files.createDirectories(dataDir);
        OutboundTransport.Message message = message(dataDir, "untrusted-" + System.nanoTime());
        // the receiver's self-signed certificate is not in the CA's trust: it cannot validate
        Map<OutboundTransport.Key, OutboundTransport.Outcome> outcomes = transport(pki.trustManager(), dataDir)
                .deliver("remote.test", List.of(message));
        assertThat(outcomes.values()).singleElement().isInstanceOfSatisfying(OutboundTransport.Outcome.TempFailed.class,
                failed -> assertThat(failed.reason()).startsWith("4."));
        assertThat(receiver.inbox("bob@remote.test", Duration.ofSeconds(2))).noneMatch(m -> m.contains(message.queueId()));
        TlsResultRecorder recorder = new TlsResultRecorder(dataDir, Clock.systemUTC());
        assertThat(recorder.results(java.time.LocalDate.now(java.time.ZoneOffset.UTC), "remote.test"))
                .anySatisfy(result -> assertThat(result.toString()).contains("sts"));
    }

    @Test
    void aValidatingCertificateDeliversUnderEnforce() throws Exception {
        Path dataDir = senderDir.resolve("trusted");
        Files.createDirectories(dataDir);
        String token = "trusted-" + System.nanoTime();
        OutboundTransport.Message message = message(dataDir, token);
        Map<OutboundTransport.Key, OutboundTransport.Outcome> outcomes = transport(trusting(receiver.certificate()), dataDir)
                .deliver("remote.test", List.of(message));
        assertThat(outcomes.values()).singleElement().isInstanceOfSatisfying(OutboundTransport.Outcome.Delivered.class,
                delivered -> assertThat(delivered.detail()).contains("verified"));
        assertThat(receiver.inbox("bob@remote.test", Duration.ofSeconds(5))).anyMatch(m -> m.contains(token));
    }
}
