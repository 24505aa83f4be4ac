package org.bastionmail.mtasts;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.HttpsURLConnection;
import org.bastionmail.config.Config;
import org.bastionmail.dns.DnsjavaResolver;
import org.bastionmail.dns.testserver.TestDnsServer;
import org.bastionmail.dns.testserver.TestZone;
import org.bastionmail.server.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bastion's own MTA-STS policy, served over HTTPS and read back by a sender's fetcher. */
class PolicyServerTest {
    private static final String SOA = "@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\n";

    @Test
    void thePolicyIsTextWithCrlfLinesAndTheIdFollowsIt() {
        String text = PolicyServer.policyText("enforce", List.of("mx.example.org", "*.backup.example.org"), Duration.ofDays(7));
        assertThat(text).isEqualTo("version: STSv1\r\nmode: enforce\r\nmx: mx.example.org\r\nmx: *.backup.example.org\r\nmax_age: 604800\r\n");
        assertThat(PolicyServer.id(text)).matches("[0-9a-f]{24}")
                .isNotEqualTo(PolicyServer.id(text.replace("enforce", "testing")));
    }

    @Test
    void aSendersFetcherReadsThePolicyBastionServes() throws Exception {
        TestPki pki = new TestPki("Test CA");
        String text = PolicyServer.policyText("enforce", List.of("mx.example.test"), Duration.ofDays(1));
        try (PolicyServer server = PolicyServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                pki.issue("mta-sts.example.test").serverContext(), text);
             TestDnsServer dns = TestDnsServer.start(TestZone.parse("example.test", SOA + "mta-sts A 127.0.0.1\n"))) {
            HttpsPolicyFetcher fetcher = new HttpsPolicyFetcher(
                    DnsjavaResolver.create(new Config.Dns(List.of(dns.address()), Duration.ofSeconds(2), Optional.empty(), false)),
                    pki.clientContext(), new HttpsPolicyFetcher.Settings(Duration.ofSeconds(10), server.address().getPort(), 65536));
            PolicyFetcher.Fetch fetch = fetcher.fetch("example.test");
            assertThat(fetch).isInstanceOf(PolicyFetcher.Fetched.class);
            StsPolicy policy = StsPolicy.parse(((PolicyFetcher.Fetched) fetch).body());
            assertThat(policy.mode()).isEqualTo(StsMode.ENFORCE);
            assertThat(policy.mxMatches("mx.example.test")).isTrue();
            assertThat(policy.maxAge()).isEqualTo(Duration.ofDays(1));
        }
    }

    @Test
    void theServerServesItsConfiguredPolicyAndNothingElse(@TempDir Path dir) throws Exception {
        try (RunningServer running = RunningServer.start(dir, c -> c.withMtaSts(new Config.MtaStsPolicy(
                Optional.of("testing"), List.of("mx.example.test"), Duration.ofDays(2))))) {
            InetSocketAddress address = running.server().mtaStsAddress().orElseThrow();
            // The generated certificate names mx.example.test only; the name check is the operator's
            // certificate's business, the content is ours.
            HttpsURLConnection ok = open(running, address, "/.well-known/mta-sts.txt");
            assertThat(ok.getResponseCode()).isEqualTo(200);
            assertThat(ok.getContentType()).isEqualTo("text/plain");
            assertThat(new String(ok.getInputStream().readAllBytes()))
                    .isEqualTo("version: STSv1\r\nmode: testing\r\nmx: mx.example.test\r\nmax_age: 172800\r\n");
            assertThat(open(running, address, "/../../etc/passwd").getResponseCode()).isEqualTo(404);
            assertThat(open(running, address, "/").getResponseCode()).isEqualTo(404);
        }
    }

    private static HttpsURLConnection open(RunningServer running, InetSocketAddress address, String path) throws Exception {
        HttpsURLConnection connection = (HttpsURLConnection) URI.create(
                "https://127.0.0.1:" + address.getPort() + path).toURL().openConnection();
        connection.setSSLSocketFactory(org.bastionmail.server.SubmissionTls.trusting(running.certificate()).getSocketFactory());
        connection.setHostnameVerifier((host, session) -> true);
        connection.setInstanceFollowRedirects(false);
        return connection;
    }
}
