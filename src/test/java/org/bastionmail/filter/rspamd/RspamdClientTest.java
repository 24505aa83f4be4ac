package org.bastionmail.filter.rspamd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import org.bastionmail.filter.FilterMessage;
import org.bastionmail.filter.FilterVerdict;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.queue.Envelope;
import org.bastionmail.smtp.ReceivedMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Against a hand-written HTTP server on loopback that plays rspamd. */
class RspamdClientTest {
    private HttpServer server;
    private final Map<String, Object> seen = new ConcurrentHashMap<>();

    private interface Handler {
        void handle(HttpExchange exchange) throws Exception;
    }

    private URI serve(Handler handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 5);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            try {
                seen.put("path", exchange.getRequestURI().getPath());
                seen.put("method", exchange.getRequestMethod());
                seen.put("headers", Map.copyOf(exchange.getRequestHeaders()));
                seen.put("body", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.ISO_8859_1));
                handler.handle(exchange);
            } catch (Exception e) {
                // the client went away (a timeout test)
            } finally {
                exchange.close();
            }
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    static FilterMessage message() {
        ReceivedMessage envelope = new ReceivedMessage(InetAddress.getLoopbackAddress(), "client.sender.test",
                Optional.of(MailAddress.parse("someone@sender.test")),
                List.of(Envelope.Recipient.of(MailAddress.parse("alice@example.test")),
                        Envelope.Recipient.of(MailAddress.parse("bob@example.test"))),
                Optional.of("carol@example.test"), Optional.empty(), () -> new ByteArrayInputStream(new byte[0]),
                Optional.of("QUEUEID1"));
        return new FilterMessage(envelope, "mx.example.test", "Subject: hi\r\n",
                () -> new ByteArrayInputStream("body\r\n".getBytes(StandardCharsets.US_ASCII)));
    }

    private static RspamdClient client(URI url, Duration timeout) {
        return new RspamdClient(new RspamdSettings(url, timeout, 1 << 20));
    }

    @Test
    @SuppressWarnings("unchecked")
    void postsTheMessageWithTheEnvelopeInHeaders() throws IOException {
        URI url = serve(exchange -> reply(exchange, 200, RspamdReplyTest.ADD_HEADER));
        FilterVerdict verdict = client(url, Duration.ofSeconds(5)).check(message());
        assertThat(verdict).isInstanceOf(FilterVerdict.Accept.class);
        assertThat(((FilterVerdict.Accept) verdict).junk()).isTrue();
        assertThat(seen.get("path")).isEqualTo("/checkv2");
        assertThat(seen.get("method")).isEqualTo("POST");
        assertThat(seen.get("body")).isEqualTo("Subject: hi\r\n\r\nbody\r\n");
        Map<String, List<String>> headers = (Map<String, List<String>>) seen.get("headers");
        assertThat(headers.get("Ip")).containsExactly("127.0.0.1");
        assertThat(headers.get("Helo")).containsExactly("client.sender.test");
        assertThat(headers.get("From")).containsExactly("someone@sender.test");
        assertThat(headers.get("Rcpt")).containsExactly("alice@example.test", "bob@example.test");
        assertThat(headers.get("Queue-id")).containsExactly("QUEUEID1");
        assertThat(headers.get("User")).containsExactly("carol@example.test");
        assertThat(headers.get("Mta-name")).containsExactly("mx.example.test");
    }

    @Test
    void errorsAreIoExceptionsForTheFailRule() throws IOException {
        URI status = serve(exchange -> reply(exchange, 500, "{\"error\":\"oops\"}"));
        assertThatThrownBy(() -> client(status, Duration.ofSeconds(5)).check(message()))
                .isInstanceOf(IOException.class).hasMessageContaining("HTTP 500");
        stop();
        URI huge = serve(exchange -> reply(exchange, 200, "{\"action\":\"no action\",\"score\":0,\"required_score\":15,"
                + "\"pad\":\"" + "x".repeat(RspamdReply.MAX_BYTES) + "\"}"));
        assertThatThrownBy(() -> client(huge, Duration.ofSeconds(5)).check(message())).isInstanceOf(IOException.class);
        stop();
        URI garbage = serve(exchange -> reply(exchange, 200, "<html>not rspamd</html>"));
        assertThatThrownBy(() -> client(garbage, Duration.ofSeconds(5)).check(message())).isInstanceOf(IOException.class);
    }

    @Test
    void aSlowRspamdTimesOut() throws IOException {
        URI slow = serve(exchange -> Thread.sleep(10_000));
        assertThatThrownBy(() -> client(slow, Duration.ofMillis(500)).check(message())).isInstanceOf(IOException.class);
        stop();
        // Headers in time, then a body that never ends.
        URI stalling = serve(exchange -> {
            exchange.sendResponseHeaders(200, 1000);
            exchange.getResponseBody().write('{');
            exchange.getResponseBody().flush();
            Thread.sleep(10_000);
        });
        assertThatThrownBy(() -> client(stalling, Duration.ofMillis(500)).check(message())).isInstanceOf(IOException.class);
    }

    @Test
    void nothingListeningIsAnError() throws IOException {
        URI url = serve(exchange -> reply(exchange, 200, "{}"));
        stop();
        assertThatThrownBy(() -> client(url, Duration.ofSeconds(2)).check(message())).isInstanceOf(IOException.class);
    }

    @Test
    void aMessageOverTheSizeLimitIsNotSent() throws IOException {
        URI url = serve(exchange -> reply(exchange, 200, RspamdReplyTest.ADD_HEADER));
        FilterVerdict verdict = new RspamdClient(new RspamdSettings(url, Duration.ofSeconds(5), 10)).check(message());
        assertThat(verdict).isEqualTo(new FilterVerdict.Accept(
                List.of("X-Spam-Status: No, skipped (message larger than 10 bytes)"), List.of(), false));
        assertThat(seen).isEmpty();
    }

    @Test
    void urlsAreHttpWithoutQuery() {
        for (String bad : List.of("ftp://h:1", "http:///x", "http://h:1/?q=1", "http://u:p@h:1", "h:1")) {
            assertThatThrownBy(() -> RspamdSettings.check(URI.create(bad))).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(new RspamdSettings(URI.create("http://127.0.0.1:11333/"), Duration.ofSeconds(1), 1).checkUri())
                .hasToString("http://127.0.0.1:11333/checkv2");
    }
}
