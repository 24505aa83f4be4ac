package org.bastionmail.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.bastionmail.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7 (slow clients and flood) and issue 8 ("a test floods Bastion from many loopback addresses and
 * guesses passwords while genuine clients keep getting served"): hundreds of slow or idle connections from
 * many 127.x.y.z addresses, a burst of new connections, password guessing over SMTP AUTH and IMAP LOGIN;
 * meanwhile a genuine client from the allow-listed 127.0.0.1 and one from 127.9.9.9 each complete a
 * submission (STARTTLS, AUTH, MAIL, RCPT, DATA) and an IMAP login and FETCH in bounded time. Afterwards the
 * limits must show in the replies (421 4.7.0) and in /metrics.
 */
class FloodIT {
    private static final int PER_ADDRESS = 3;
    private static final int RATE_PER_MINUTE = 20;
    private static final int GUESSERS = 5;
    private static final String SENDER = "alice@example.test";
    private static final String READER = "bob@example.test";
    private static final String PASSWORD = "correct horse battery";

    @TempDir
    Path dir;

    private static Config defended(Config config) {
        return config.withDefence(new Config.Defence(1000, PER_ADDRESS, RATE_PER_MINUTE, 2, Duration.ofMinutes(10),
                Duration.ofHours(1), Duration.ofDays(7), List.of("127.0.0.1/32", "::1/128")));
    }

    /** How many slow connections this process can afford besides the server's own ends of them. */
    private static int slowConnections() {
        long max = 4096;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            max = unix.getMaxFileDescriptorCount() - unix.getOpenFileDescriptorCount();
        }
        // each connection costs two descriptors here (client and server end, same JVM), keep half the room free
        return (int) Math.max(30, Math.min(300, max / 4));
    }

    @Test
    void genuineClientsAreServedDuringAFloodAndTheLimitsShowInMetrics() throws Exception {
        try (RunningServer server = RunningServer.start(dir, FloodIT::defended); HttpClient http = HttpClient.newHttpClient()) {
            server.addUser(SENDER, PASSWORD);
            server.addUser(READER, PASSWORD);
            int smtp = server.port("smtp");
            SSLSocketFactory tls = SubmissionTls.trusting(server.certificate()).getSocketFactory();
            long heapBefore = usedHeap();

            // 1. Slow and idle connections: PER_ADDRESS + 1 from each address, so the last one is refused.
            int slow = slowConnections();
            int addresses = slow / PER_ADDRESS;
            // One thread per address: each address waits out the banner delay (pregreet check) once.
            List<Socket> held = java.util.Collections.synchronizedList(new ArrayList<>());
            AtomicInteger tooMany = new AtomicInteger();
            AtomicInteger unexpected = new AtomicInteger();
            List<Thread> openers = new ArrayList<>();
            for (int a = 0; a < addresses; a++) {
                String source = "127.2." + (a / 250) + "." + (a % 250 + 1);
                openers.add(Thread.ofVirtual().start(() -> {
                    try {
                        for (int c = 0; c <= PER_ADDRESS; c++) {
                            Socket socket = connect(source, smtp);
                            String greeting = reader(socket).readLine();
                            if (greeting != null && greeting.startsWith("220 ")) {
                                held.add(socket);
                            } else {
                                if ("421 4.7.0 Too many connections from your address".equals(greeting)) {
                                    tooMany.incrementAndGet();
                                } else {
                                    unexpected.incrementAndGet();
                                }
                                socket.close();
                            }
                        }
                    } catch (IOException e) {
                        unexpected.incrementAndGet();
                    }
                }));
            }
            for (Thread t : openers) {
                t.join(Duration.ofSeconds(60));
            }
            assertThat(held).as("slow connections admitted").hasSize(addresses * PER_ADDRESS);
            assertThat(tooMany.get()).as("one refusal per address").isEqualTo(addresses);
            assertThat(unexpected.get()).isZero();

            // Half of them dribble a byte every two seconds (slowloris), the others say nothing.
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> dribblers = new ArrayList<>();
            for (int i = 0; i < held.size(); i += 2) {
                Socket socket = held.get(i);
                dribblers.add(Thread.ofVirtual().start(() -> dribble(socket, stop)));
            }

            // 2. A burst of new connections: one address above its rate, many addresses once each.
            ConcurrentLinkedQueue<String> burstReplies = new ConcurrentLinkedQueue<>();
            List<Thread> burst = new ArrayList<>();
            burst.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < RATE_PER_MINUTE + 10; i++) {
                    burstReplies.add("rate " + greetingOrError("127.5.5.5", smtp));
                }
            }));
            for (int a = 0; a < 200; a++) {
                String source = "127.3." + (a / 250) + "." + (a % 250 + 1);
                burst.add(Thread.ofVirtual().start(() -> burstReplies.add("many " + greetingOrError(source, smtp))));
            }

            // 3. Password guessing from a few addresses, over SMTP AUTH and IMAP LOGIN.
            List<Thread> guessing = new ArrayList<>();
            ConcurrentLinkedQueue<String> guessFailures = new ConcurrentLinkedQueue<>();
            for (int g = 1; g <= GUESSERS; g++) {
                String source = "127.7.0." + g;
                guessing.add(Thread.ofVirtual().start(() -> {
                    try {
                        guessOverSmtp(tls, source, server.port("submissions"));
                        guessOverImap(tls, source, server.port("imaps"));
                    } catch (IOException | AssertionError e) {
                        guessFailures.add(source + ": " + e);
                    }
                }));
            }

            // 4. Meanwhile the genuine clients get through, in bounded time.
            assertTimeoutPreemptively(Duration.ofSeconds(40), () -> {
                for (String source : List.of("127.0.0.1", "127.9.9.9")) {
                    String token = "genuine-" + source;
                    assertThat(submit(tls, source, server.port("submission"), token)).startsWith("250 ");
                    List<String> fetched = ImapProbe.fetch(tls, source, server.port("imaps"), SENDER, PASSWORD,
                            "1:* (FLAGS)");
                    assertThat(fetched).isNotNull();
                }
                server.server().delivery().awaitIdle(Duration.ofSeconds(20));
                List<String> lines = ImapProbe.fetch(tls, "127.9.9.9", server.port("imaps"), READER, PASSWORD,
                        "1:* (BODY.PEEK[HEADER.FIELDS (X-Token)])");
                assertThat(String.join("\n", lines)).contains("X-Token: genuine-127.0.0.1", "X-Token: genuine-127.9.9.9");
            });

            for (Thread t : burst) {
                t.join(Duration.ofSeconds(20));
            }
            for (Thread t : guessing) {
                t.join(Duration.ofSeconds(20));
            }
            assertThat(guessFailures).isEmpty();
            assertThat(burstReplies.stream().filter(r -> r.startsWith("rate 220 ")).count())
                    .as("greetings to the fast address").isLessThanOrEqualTo(RATE_PER_MINUTE);
            assertThat(burstReplies).filteredOn(r -> r.startsWith("rate "))
                    .anyMatch(r -> r.equals("rate 421 4.7.0 Too many connections from your address"));
            assertThat(burstReplies).filteredOn(r -> r.startsWith("many ")).hasSize(200)
                    .allMatch(r -> r.equals("many 220 ") || r.startsWith("many 220 "));

            // Guessers are banned everywhere; the genuine addresses are not.
            for (int g = 1; g <= GUESSERS; g++) {
                assertThat(greetingOrError("127.7.0." + g, smtp)).isEqualTo("421 4.7.0 Your address is temporarily banned");
            }
            assertThat(greetingOrError("127.9.9.9", smtp)).startsWith("220 ");

            // The slow connections were held the whole time, and the server is still whole.
            stop.set(true);
            for (Thread t : dribblers) {
                t.join(Duration.ofSeconds(10));
            }
            for (Socket socket : held) {
                socket.close();
            }
            long heapAfter = usedHeap();
            assertThat(heapAfter - heapBefore).as("heap growth in bytes").isLessThan(256L << 20);

            InetSocketAddress admin = server.server().adminAddress().orElseThrow();
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.getPort() + "/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(series(metrics, "bastion_connections_refused_total{listener=\"smtp\",reason=\"limits\"}"))
                    .isGreaterThanOrEqualTo(addresses + 10);
            assertThat(series(metrics, "bastion_connections_refused_total{listener=\"smtp\",reason=\"banned\"}"))
                    .isGreaterThanOrEqualTo(GUESSERS);
            assertThat(series(metrics, "bastion_auth_failures_total{protocol=\"smtp\"}")).isGreaterThanOrEqualTo(GUESSERS);
            assertThat(series(metrics, "bastion_auth_failures_total{protocol=\"imap\"}")).isGreaterThanOrEqualTo(GUESSERS);
            assertThat(series(metrics, "bastion_bans_active")).isEqualTo(GUESSERS);

            // and the transaction log names every refused client and why
            Path log = dir.resolve("log").resolve("transactions.jsonl");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
                List<String> lines = java.nio.file.Files.readAllLines(log);
                assertThat(lines).filteredOn(l -> l.contains("\"end\":\"refused_limits\""))
                        .hasSizeGreaterThanOrEqualTo(addresses + 10);
                for (int g = 1; g <= GUESSERS; g++) {
                    String guesser = "\"client\":\"127.7.0." + g + "\"";
                    assertThat(lines).as("a refused connection line for " + guesser)
                            .anyMatch(l -> l.contains(guesser) && l.contains("\"end\":\"refused_banned\""));
                }
            });
        }
    }

    private static long series(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\d+)$").matcher(metrics);
        assertThat(m.find()).as(name + " in\n" + metrics).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static long usedHeap() {
        System.gc();
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    /** A byte of "EHLO" every two seconds, never a whole line. */
    private static void dribble(Socket socket, AtomicBoolean stop) {
        try {
            OutputStream out = socket.getOutputStream();
            while (!stop.get()) {
                out.write('E');
                out.flush();
                Thread.sleep(2000);
            }
        } catch (IOException | InterruptedException e) {
            // the server may hang up on a line that never ends: that is its right
        }
    }

    private static Socket connect(String source, int port) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(source, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout(20_000);
        return socket;
    }

    private static BufferedReader reader(Socket socket) throws IOException {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
    }

    private static String greetingOrError(String source, int port) {
        try (Socket socket = connect(source, port)) {
            return String.valueOf(reader(socket).readLine());
        } catch (IOException e) {
            return "error " + e;
        }
    }

    private static void send(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Reads one reply, multi-line or not; returns its last line. */
    private static String reply(BufferedReader in) throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                throw new IOException("connection closed");
            }
        } while (line.length() > 3 && line.charAt(3) == '-');
        return line;
    }

    private static String plain(String user, String password) {
        return Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Submission on the STARTTLS port: EHLO, STARTTLS, EHLO, AUTH PLAIN, MAIL, RCPT, DATA; the reply to the data. */
    private static String submit(SSLSocketFactory tls, String source, int port, String token) throws IOException {
        try (Socket plain = connect(source, port)) {
            BufferedReader in = reader(plain);
            assertThat(reply(in)).startsWith("220 ");
            send(plain.getOutputStream(), "EHLO genuine.example.test");
            assertThat(reply(in)).startsWith("250 ");
            send(plain.getOutputStream(), "STARTTLS");
            assertThat(reply(in)).startsWith("220 ");
            try (SSLSocket socket = (SSLSocket) tls.createSocket(plain, "localhost", port, true)) {
                socket.startHandshake();
                BufferedReader secure = reader(socket);
                OutputStream out = socket.getOutputStream();
                send(out, "EHLO genuine.example.test");
                assertThat(reply(secure)).startsWith("250 ");
                send(out, "AUTH PLAIN " + plain(SENDER, PASSWORD));
                assertThat(reply(secure)).startsWith("235 ");
                send(out, "MAIL FROM:<" + SENDER + ">");
                assertThat(reply(secure)).startsWith("250 ");
                send(out, "RCPT TO:<" + READER + ">");
                assertThat(reply(secure)).startsWith("250 ");
                send(out, "DATA");
                assertThat(reply(secure)).startsWith("354 ");
                send(out, "From: <" + SENDER + ">\r\nTo: <" + READER + ">\r\nSubject: served\r\nX-Token: " + token
                        + "\r\n\r\nserved during a flood\r\n.");
                String result = reply(secure);
                send(out, "QUIT");
                return result;
            }
        }
    }

    private static void guessOverSmtp(SSLSocketFactory tls, String source, int port) throws IOException {
        try (SSLSocket socket = (SSLSocket) tls.createSocket(connect(source, port), "localhost", port, true)) {
            socket.startHandshake();
            BufferedReader in = reader(socket);
            assertThat(reply(in)).startsWith("220 ");
            send(socket.getOutputStream(), "EHLO guesser.example");
            reply(in);
            send(socket.getOutputStream(), "AUTH PLAIN " + plain(SENDER, "guess-" + source));
            assertThat(reply(in)).startsWith("535 ");
        }
    }

    private static void guessOverImap(SSLSocketFactory tls, String source, int port) throws IOException {
        try (SSLSocket socket = (SSLSocket) tls.createSocket(connect(source, port), "localhost", port, true)) {
            socket.startHandshake();
            BufferedReader in = reader(socket);
            assertThat(in.readLine()).startsWith("* OK");
            send(socket.getOutputStream(), "a LOGIN " + READER + " \"guess-" + source + "\"");
            String line;
            do {
                line = in.readLine();
            } while (line != null && !line.startsWith("a "));
            assertThat(line).startsWith("a NO ");
        }
    }
}
