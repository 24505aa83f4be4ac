package org.bastionmail.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * The admin HTTP endpoint: {@code GET /metrics} (Prometheus text format) and {@code GET /health}.
 * Plain HTTP without authentication, so it binds only to a loopback address (checked by the config
 * loader too); put a reverse proxy in front if a scraper must reach it from elsewhere.
 */
public final class AdminServer implements AutoCloseable {
    private final HttpServer http;

    private AdminServer(HttpServer http) {
        this.http = http;
    }

    public static AdminServer start(InetSocketAddress address, Metrics metrics) throws IOException {
        if (!address.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("the admin endpoint binds only to loopback, not " + address);
        }
        HttpServer http = HttpServer.create(address, 16);
        http.createContext("/metrics", exchange -> reply(exchange, "text/plain; version=0.0.4; charset=utf-8", metrics.render()));
        http.createContext("/health", exchange -> reply(exchange, "text/plain; charset=utf-8", "ok\n"));
        http.setExecutor(Executors.newSingleThreadExecutor(Thread.ofPlatform().name("admin-http").daemon(true).factory()));
        http.start();
        return new AdminServer(http);
    }

    private static void reply(HttpExchange exchange, String type, String body) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readNBytes(4096);
            // Contexts match by prefix: only the exact path and GET/HEAD are served.
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (!path.equals(exchange.getHttpContext().getPath())) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.sendResponseHeaders(200, method.equals("HEAD") ? -1 : bytes.length);
            if (method.equals("GET")) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    public InetSocketAddress address() {
        return http.getAddress();
    }

    @Override
    public void close() {
        http.stop(0);
        ((java.util.concurrent.ExecutorService) http.getExecutor()).shutdownNow();
    }
}
