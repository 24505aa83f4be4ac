package org.bastionmail.mtasts;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * Serves Bastion's own MTA-STS policy (RFC 8461 3.2) at {@code https://mta-sts.DOMAIN/.well-known/mta-sts.txt}
 * for every local domain: the certificate configured for the server must also be valid for those
 * {@code mta-sts.} names. Anything else gets 404; only GET and HEAD are answered.
 */
public final class PolicyServer implements AutoCloseable {
    static final String PATH = "/.well-known/mta-sts.txt";

    private final HttpsServer server;
    private final byte[] body;

    private PolicyServer(HttpsServer server, byte[] body) {
        this.server = server;
        this.body = body;
    }

    /** The policy text (RFC 8461 3.2): CRLF line ends, one {@code mx:} line per pattern. */
    public static String policyText(String mode, List<String> mx, Duration maxAge) {
        StringBuilder text = new StringBuilder("version: STSv1\r\nmode: ").append(mode).append("\r\n");
        mx.forEach(pattern -> text.append("mx: ").append(pattern).append("\r\n"));
        return text.append("max_age: ").append(maxAge.toSeconds()).append("\r\n").toString();
    }

    /**
     * The id to publish in the {@code _mta-sts} TXT record: it must change whenever the policy does
     * (RFC 8461 3.1), so it is derived from the policy text.
     */
    public static String id(String policyText) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(policyText.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java", e);
        }
    }

    public static PolicyServer start(InetSocketAddress address, SSLContext tls, String policyText) throws IOException {
        HttpsServer server = HttpsServer.create(address, 64);
        server.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters ssl = tls.getDefaultSSLParameters();
                ssl.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
                params.setSSLParameters(ssl);
            }
        });
        PolicyServer policy = new PolicyServer(server, policyText.getBytes(StandardCharsets.US_ASCII));
        server.createContext("/", policy::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return policy;
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            if (!exchange.getRequestURI().getPath().equals(PATH)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.getResponseHeaders().set("Cache-Control", "max-age=3600");
            if (method.equals("HEAD")) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
