package org.bastionmail.delivery;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.UUID;
import java.util.function.Function;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bastionmail.config.Config;
import org.bastionmail.dane.DaneLookup;
import org.bastionmail.dns.DnsResolver;
import org.bastionmail.dns.DnsjavaResolver;
import org.bastionmail.dns.testserver.TestDnsServer;
import org.bastionmail.dns.testserver.TestZone;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.mtasts.MtaSts;
import org.bastionmail.mtasts.PolicyFetcher;
import org.bastionmail.mtasts.StsCertificateCheck;
import org.bastionmail.queue.Envelope;
import org.bastionmail.routing.MxResolver;
import org.bastionmail.routing.RoutingSettings;
import org.bastionmail.server.RunningServer;
import org.bastionmail.smtp.client.CertificateCheck;
import org.bastionmail.smtp.client.ClientSettings;
import org.bastionmail.tlsrpt.ResultType;
import org.bastionmail.tlsrpt.TlsResultRecorder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * REQUIRETLS (RFC 8689 4.2.1) on relay: {@link SmtpTransport} against a whole Bastion receiver on loopback,
 * whose self-signed certificate names {@code mx.remote.test}; DNS comes from a loopback test server.
 */
class RequireTlsTransportTest {
    private static final String SOA = "@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\n";

    @TempDir
    static Path receiverDir;
    @TempDir
    static Path work;
    static RunningServer receiver;
    static TestDnsServer dns;
    static DnsResolver resolver;
    static X509Certificate receiverCertificate;

    @BeforeAll
    static void start() throws Exception {
        receiver = RunningServer.start(receiverDir,
                c -> c.withDomains("mx.remote.test", List.of("mx.remote.test", "remote.test", "other.test")));
        for (String user : List.of("bob@mx.remote.test", "bob@remote.test", "bob@other.test")) {
            receiver.addUser(user, "a password");
        }
        dns = RunningServer.startDns(
                // mx.remote.test has no MX: an implicit MX, whose name needs no DNSSEC (RFC 8689 4.2.1 step 2)
                TestZone.parse("remote.test", SOA + """
                        @ MX 10 mx
                        mx A 127.0.0.1
                        _mta-sts TXT "v=STSv1; id=1"
                        """),
                // an insecure MX answer and no MTA-STS: the name is not authentic
                TestZone.parse("other.test", SOA + "@ MX 10 mx.remote.test.\n"));
        resolver = DnsjavaResolver.create(RunningServer.loopbackDns(dns));
        try (var in = Files.newInputStream(receiver.certificate())) {
            receiverCertificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        receiver.close();
        dns.close();
    }

    /** remote.test publishes an MTA-STS policy in mode testing that lists mx.remote.test. */
    private static PolicyFetcher testingPolicy() {
        return domain -> domain.equals("remote.test")
                ? new PolicyFetcher.Fetched("version: STSv1\nmode: testing\nmx: mx.remote.test\nmax_age: 86400\n")
                : new PolicyFetcher.Failed(ResultType.STS_POLICY_FETCH_ERROR, "none");
    }

    private static SmtpTransport transport(boolean trustReceiver) throws Exception {
        MxResolver routes = new MxResolver(resolver, RoutingSettings.defaults(Set.of("mx.sender.test"))
                .withRemotePort(receiver.port("smtp")), new java.util.Random(1));
        Path dataDir = Files.createTempDirectory(work, "sender");
        Function<String, CertificateCheck> pkix = trustReceiver
                ? host -> CertificateCheck.trusting(List.of(receiverCertificate), host)
                : CertificateCheck::systemTrust;
        StsCertificateCheck sts = trustReceiver ? new StsCertificateCheck(trusting(receiverCertificate))
                : StsCertificateCheck.withDefaultTrust();
        return new SmtpTransport(routes, Optional.empty(), new DaneLookup(resolver, receiver.port("smtp")),
                new MtaSts(resolver, testingPolicy(), dataDir, Clock.systemUTC()), sts,
                new TlsResultRecorder(dataDir, Clock.systemUTC()),
                ClientSettings.defaults("mx.sender.test"), pkix);
    }

    private static X509TrustManager trusting(X509Certificate anchor) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("receiver", anchor);
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return (X509TrustManager) factory.getTrustManagers()[0];
    }

    private static OutboundTransport.Message message(String to, boolean requireTls, String token) throws Exception {
        MailAddress recipient = MailAddress.parse(to);
        Envelope envelope = new Envelope(Optional.of(MailAddress.parse("alice@sender.test")),
                List.of(Envelope.Recipient.of(recipient)), Envelope.BodyType.SEVEN_BIT, false, Optional.empty(),
                Optional.empty(), requireTls, "127.0.0.1", "client.sender.test", Optional.of("alice@sender.test"),
                Instant.now());
        Path content = Files.writeString(work.resolve(token), "From: alice@sender.test\r\nSubject: " + token
                + "\r\n\r\ntoken " + token + "\r\n", StandardCharsets.UTF_8);
        return new OutboundTransport.Message(token, envelope, content, List.of(recipient));
    }

    private static String token() {
        return UUID.randomUUID().toString();
    }

    private static OutboundTransport.Outcome outcome(Map<OutboundTransport.Key, OutboundTransport.Outcome> outcomes,
            OutboundTransport.Message message) {
        return outcomes.get(new OutboundTransport.Key(message.queueId(), message.recipients().getFirst()));
    }

    private static List<String> inbox(String account) throws Exception {
        return receiver.inbox(account, Duration.ofSeconds(10));
    }

    @Test
    void anUnverifiedCertificateFailsTheRequireTlsMessageOnlyAndPermanently() throws Exception {
        OutboundTransport.Message secret = message("bob@mx.remote.test", true, token());
        OutboundTransport.Message plain = message("bob@mx.remote.test", false, token());
        var outcomes = transport(false).deliver("mx.remote.test", List.of(secret, plain));
        assertThat(outcome(outcomes, secret)).isInstanceOfSatisfying(OutboundTransport.Outcome.PermFailed.class,
                f -> assertThat(f.reason()).startsWith("5.7.10"));
        assertThat(outcome(outcomes, plain)).isInstanceOfSatisfying(OutboundTransport.Outcome.Delivered.class,
                d -> assertThat(d.detail()).contains("unverified"));
        assertThat(inbox("bob@mx.remote.test")).anyMatch(m -> m.contains(plain.queueId()))
                .noneMatch(m -> m.contains(secret.queueId()));
    }

    @Test
    void aVerifiedCertificateOfAnImplicitMxCarriesIt() throws Exception {
        OutboundTransport.Message secret = message("bob@mx.remote.test", true, token());
        var outcomes = transport(true).deliver("mx.remote.test", List.of(secret));
        assertThat(outcome(outcomes, secret)).isInstanceOfSatisfying(OutboundTransport.Outcome.Delivered.class,
                d -> assertThat(d.detail()).contains(" verified"));
        assertThat(inbox("bob@mx.remote.test")).anyMatch(m -> m.contains(secret.queueId()));
    }

    @Test
    void anInsecureMxNameWithoutMtaStsIsRefusedEvenWithAVerifiedCertificate() throws Exception {
        OutboundTransport.Message secret = message("bob@other.test", true, token());
        OutboundTransport.Message plain = message("bob@other.test", false, token());
        var outcomes = transport(true).deliver("other.test", List.of(secret, plain));
        assertThat(outcome(outcomes, secret)).isInstanceOfSatisfying(OutboundTransport.Outcome.PermFailed.class,
                f -> assertThat(f.reason()).startsWith("5.7.10").contains("DNSSEC"));
        assertThat(outcome(outcomes, plain)).isInstanceOf(OutboundTransport.Outcome.Delivered.class);
        assertThat(inbox("bob@other.test")).noneMatch(m -> m.contains(secret.queueId()));
    }

    @Test
    void anMtaStsPolicyListingTheMxMakesTheNameAuthentic() throws Exception {
        OutboundTransport.Message secret = message("bob@remote.test", true, token());
        var outcomes = transport(true).deliver("remote.test", List.of(secret));
        assertThat(outcome(outcomes, secret)).isInstanceOf(OutboundTransport.Outcome.Delivered.class);
        assertThat(inbox("bob@remote.test")).anyMatch(m -> m.contains(secret.queueId()));
    }

    @Test
    void aBounceOfARequireTlsMessageIsNotHeldBack() throws Exception {
        // RFC 8689 5: a null reverse-path is exempt from 4.2.1, so the report is not lost
        OutboundTransport.Message bounce = message("bob@other.test", true, token());
        Envelope e = bounce.envelope();
        Envelope nullSender = new Envelope(Optional.empty(), e.recipients(), e.body(), e.smtpUtf8(), e.ret(),
                e.envId(), true, e.clientAddress(), e.clientHelo(), Optional.empty(), e.receivedAt());
        OutboundTransport.Message report = new OutboundTransport.Message(bounce.queueId(), nullSender,
                bounce.content(), bounce.recipients());
        var outcomes = transport(false).deliver("other.test", List.of(report));
        assertThat(outcome(outcomes, report)).isInstanceOf(OutboundTransport.Outcome.Delivered.class);
    }
}
