package org.bastionmail.mtasts;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import org.bastionmail.config.Config;
import org.bastionmail.dns.DnsjavaResolver;
import org.bastionmail.dns.testserver.TestDnsServer;
import org.bastionmail.dns.testserver.TestZone;
import org.bastionmail.tlsrpt.ResultType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fetcher against a real HTTPS server on loopback, names resolved by the loopback DNS server. */
class HttpsPolicyFetcherTest {
    static final String POLICY = "version: STSv1\r\nmode: enforce\r\nmx: mx.good.test\r\nmax_age: 86400\r\n";
    private static final String SOA = "@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\n";
    private static final List<String> SERVED = List.of("good", "chunked", "redirect", "html", "big", "chunkbig",
            "missing", "notype", "slowloris");

    private static TestPki pki;
    private static HttpsServer https;
    private static TestDnsServer dns;
    private static DnsjavaResolver resolver;

    @BeforeAll
    static void start() throws Exception {
        pki = new TestPki("Test MTA-STS CA");
        String[] names = SERVED.stream().map(d -> "mta-sts." + d + ".test").toArray(String[]::new);
        https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(pki.issue(names).serverContext()));
        https.createContext("/", HttpsPolicyFetcherTest::handle);
        https.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        https.start();
        StringBuilder zone = new StringBuilder(SOA);
        for (String domain : SERVED) {
            zone.append("mta-sts.").append(domain).append(" A 127.0.0.1\n");
        }
        zone.append("mta-sts.wrongname A 127.0.0.1\n");
        zone.append("mta-sts.nowhere A 127.0.0.1\nmta-sts.nowhere AAAA ::1\n");
        dns = TestDnsServer.start(TestZone.parse("test", zone.toString()));
        resolver = DnsjavaResolver.create(new Config.Dns(List.of(dns.address()), Duration.ofMillis(500), Optional.empty(), false));
    }

    @AfterAll
    static void stop() throws Exception {
        https.stop(0);
        dns.close();
    }

    private static void handle(HttpExchange exchange) throws IOException {
        String host = exchange.getRequestHeaders().getFirst("Host");
        String domain = host.substring("mta-sts.".length(), host.length() - ".test".length());
        byte[] policy = POLICY.getBytes(StandardCharsets.US_ASCII);
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals("/.well-known/mta-sts.txt")) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            switch (domain) {
                case "good" -> send(exchange, 200, "text/plain; charset=utf-8", policy, false);
                case "chunked" -> send(exchange, 200, "TEXT/PLAIN", policy, true);
                case "redirect" -> {
                    exchange.getResponseHeaders().set("Location", "https://mta-sts.good.test/.well-known/mta-sts.txt");
                    exchange.sendResponseHeaders(301, -1);
                }
                case "html" -> send(exchange, 200, "text/html", policy, false);
                case "notype" -> send(exchange, 200, null, policy, false);
                case "big" -> send(exchange, 200, "text/plain", "x".repeat(70_000).getBytes(StandardCharsets.US_ASCII), false);
                case "chunkbig" -> send(exchange, 200, "text/plain", "x".repeat(70_000).getBytes(StandardCharsets.US_ASCII), true);
                case "slowloris" -> {
                    exchange.getResponseHeaders().set("Content-Type", "text/plain");
                    exchange.sendResponseHeaders(200, 0);
                    OutputStream out = exchange.getResponseBody();
                    for (int i = 0; i < 100; i++) {
                        out.write('x');
                        out.flush();
                        Thread.sleep(100);
                    }
                }
                default -> exchange.sendResponseHeaders(404, -1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body, boolean chunked) throws IOException {
        if (type != null) {
            exchange.getResponseHeaders().set("Content-Type", type);
        }
        exchange.sendResponseHeaders(status, chunked ? 0 : body.length);
        exchange.getResponseBody().write(body);
    }

    private static HttpsPolicyFetcher fetcher(java.time.Duration timeout) throws Exception {
        return new HttpsPolicyFetcher(resolver, pki.clientContext(),
                new HttpsPolicyFetcher.Settings(timeout, https.getAddress().getPort(), 64 * 1024));
    }

    private static PolicyFetcher.Fetch fetch(String domain) throws Exception {
        return fetcher(Duration.ofSeconds(10)).fetch(domain);
    }

    @Test
    void fetchesAPolicyWithContentLengthOrChunked() throws Exception {
        assertThat(fetch("good.test")).isEqualTo(new PolicyFetcher.Fetched(POLICY));
        assertThat(fetch("GOOD.test.")).isEqualTo(new PolicyFetcher.Fetched(POLICY));
        assertThat(fetch("chunked.test")).isEqualTo(new PolicyFetcher.Fetched(POLICY));
    }

    @Test
    void doesNotFollowRedirects() throws Exception {
        assertFailed(fetch("redirect.test"), ResultType.STS_POLICY_FETCH_ERROR, "redirect");
    }

    @Test
    void wantsTextPlain() throws Exception {
        assertFailed(fetch("html.test"), ResultType.STS_POLICY_FETCH_ERROR, "text/html");
        assertFailed(fetch("notype.test"), ResultType.STS_POLICY_FETCH_ERROR, "served the policy as");
    }

    @Test
    void refusesOversizedPolicies() throws Exception {
        assertFailed(fetch("big.test"), ResultType.STS_POLICY_FETCH_ERROR, "larger than 65536");
        assertFailed(fetch("chunkbig.test"), ResultType.STS_POLICY_FETCH_ERROR, "larger than 65536");
    }

    @Test
    void reportsHttpErrorsAndMissingHosts() throws Exception {
        assertFailed(fetch("missing.test"), ResultType.STS_POLICY_FETCH_ERROR, "404");
        assertFailed(fetch("unknown.test"), ResultType.STS_POLICY_FETCH_ERROR, "no address");
    }

    @Test
    void certificateMustNameThePolicyHost() throws Exception {
        assertFailed(fetch("wrongname.test"), ResultType.STS_WEBPKI_INVALID, "mta-sts.wrongname.test");
    }

    @Test
    void certificateMustChainToTheTrustStore() throws Exception {
        HttpsPolicyFetcher strangers = new HttpsPolicyFetcher(resolver, new TestPki("Other CA").clientContext(),
                new HttpsPolicyFetcher.Settings(Duration.ofSeconds(10), https.getAddress().getPort(), 65536));
        assertFailed(strangers.fetch("good.test"), ResultType.STS_WEBPKI_INVALID, "not valid");
    }

    @Test
    void aTricklingServerCannotStretchTheTimeout() throws Exception {
        assertFailed(fetcher(Duration.ofMillis(1500)).fetch("slowloris.test"), ResultType.STS_POLICY_FETCH_ERROR, "timed out");
    }

    private static void assertFailed(PolicyFetcher.Fetch fetch, ResultType type, String reason) {
        assertThat(fetch).isInstanceOfSatisfying(PolicyFetcher.Failed.class, failed -> {
            assertThat(failed.type()).isEqualTo(type);
            assertThat(failed.reason()).contains(reason);
        });
    }
}
