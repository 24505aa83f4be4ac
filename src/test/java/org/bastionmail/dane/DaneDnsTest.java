package org.bastionmail.dane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bastionmail.dane.TestCerts.tlsa;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.bastionmail.config.Config;
import org.bastionmail.dane.TestCerts.Issued;
import org.bastionmail.dns.DnsResolver;
import org.bastionmail.dns.DnsjavaResolver;
import org.bastionmail.dns.DnssecStatus;
import org.bastionmail.dns.testserver.TestDnsServer;
import org.bastionmail.dns.testserver.TestZone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Type;

/** From published TLSA records through a validating resolver to a verdict on a certificate (loopback DNS). */
class DaneDnsTest {
    private static final String SOA = "@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\n";

    @TempDir
    Path dir;

    @Test
    void signedTlsaRecordsAuthenticateTheServerAndBogusOnesStopDelivery() throws Exception {
        Issued server = TestCerts.selfSigned("mx.example.test", java.time.Instant.now().minusSeconds(3600), Duration.ofDays(1));
        String record = tlsa(3, 1, 1, server.cert()).toString();
        TestZone bogus = TestZone.parse("bogus.test", SOA + "mx A 192.0.2.2\n_25._tcp.mx TLSA " + record + "\n")
                .sign().corruptSignature("_25._tcp.mx.bogus.test", Type.TLSA);
        TestZone test = TestZone.parse("test", SOA + "mx A 192.0.2.1\n_25._tcp.mx TLSA " + record + "\n")
                .delegate(bogus).sign();
        TestZone root = TestZone.parse(".", "@ SOA ns.test. hostmaster.test. 1 3600 600 86400 300\n@ NS ns.test.\n")
                .delegate(test).sign();
        try (TestDnsServer dnsServer = TestDnsServer.start(root, test, bogus)) {
            Path anchors = dir.resolve("anchors.txt");
            Files.writeString(anchors, root.ds().orElseThrow() + "\n");
            DnsResolver dns = DnsjavaResolver.create(
                    new Config.Dns(List.of(dnsServer.address()), Duration.ofSeconds(2), Optional.of(anchors), true));
            DaneLookup dane = new DaneLookup(dns);

            DanePolicy policy = dane.policy("mx.test", DnssecStatus.SECURE, dns.a("mx.test").dnssec());
            assertThat(policy).isInstanceOf(DanePolicy.Required.class);
            assertThat(((DanePolicy.Required) policy).verify(List.of(server.cert()), "mx.test"))
                    .isInstanceOf(DaneVerdict.Authenticated.class);
            Issued impostor = TestCerts.selfSigned("mx.test", java.time.Instant.now().minusSeconds(3600), Duration.ofDays(1));
            assertThat(((DanePolicy.Required) policy).verify(List.of(impostor.cert()), "mx.test"))
                    .isInstanceOf(DaneVerdict.Failed.class);

            assertThat(dane.policy("mx.bogus.test", DnssecStatus.SECURE, dns.a("mx.bogus.test").dnssec()))
                    .isInstanceOf(DanePolicy.TemporaryFailure.class);
            assertThat(dane.policy("nothere.test", DnssecStatus.SECURE, DnssecStatus.SECURE))
                    .isInstanceOf(DanePolicy.NotApplicable.class);
        }
    }
}
