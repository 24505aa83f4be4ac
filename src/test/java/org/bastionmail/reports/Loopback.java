package org.bastionmail.reports;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.bastionmail.config.Config;
import org.bastionmail.dns.DnsResolver;
import org.bastionmail.dns.DnsjavaResolver;
import org.bastionmail.dns.testserver.TestDnsServer;
import org.bastionmail.dns.testserver.TestZone;

/** The loopback DNS and HTTP servers the report tests talk to. */
final class Loopback implements AutoCloseable {
    private static final String SOA = "@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\n";

    record Post(String path, String contentType, byte[] body) {}

    final TestDnsServer dns;
    final DnsResolver resolver;
    final HttpServer http;
    final List<Post> posts = new CopyOnWriteArrayList<>();
    final AtomicInteger status = new AtomicInteger(200);

    Loopback() throws IOException {
        dns = TestDnsServer.start(TestZone.parse("test", SOA + """
                _smtp._tls.example.test. TXT "v=TLSRPTv1; rua=mailto:tls@example.test,https://reports.example.test/v1/tlsrpt"
                _smtp._tls.mailonly.test. TXT "v=TLSRPTv1;rua=mailto:tls-reports@mailonly.test"
                example.test._report._dmarc.reports.test. TXT "v=DMARC1;"
                example.test._report._dmarc.other.test. TXT "v=spf1 -all"
                """)).servfail("example.test._report._dmarc.flaky.test").servfail("_smtp._tls.flaky.test");
        resolver = DnsjavaResolver.create(new Config.Dns(List.of(dns.address()), Duration.ofSeconds(2), Optional.empty(), false));
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            posts.add(new Post(exchange.getRequestURI().getPath(), exchange.getRequestHeaders().getFirst("Content-Type"), body));
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        http.start();
    }

    /** The real poster, sent to the loopback server instead of the https: host the record names. */
    ReportPoster poster() {
        ReportPoster real = ReportPoster.http(Duration.ofSeconds(5));
        return (uri, type, body) -> real.post(
                URI.create("http://127.0.0.1:" + http.getAddress().getPort() + uri.getRawPath()), type, body);
    }

    @Override
    public void close() throws IOException {
        http.stop(0);
        dns.close();
    }
}
