package org.bastionmail.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.bastionmail.cli.Main;
import org.bastionmail.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Availability under abuse against the whole server: per-address connection limits and the ban list fed by
 * failed logins of every protocol. Clients come from several 127.x addresses (all loopback on Linux); the
 * server's allow list keeps only 127.0.0.1, so those addresses can be limited and banned.
 */
class DefenceIT {
    private static final String FLOODER = "127.0.0.5";
    private static final String NEIGHBOUR = "127.0.0.6";
    private static final String GUESSER = "127.0.0.7";

    @TempDir
    Path dir;

    private static Config defended(Config config) {
        return config.withDefence(new Config.Defence(100, 2, 600, 2, Duration.ofMinutes(10), Duration.ofHours(1),
                Duration.ofDays(7), List.of("127.0.0.1/32", "::1/128")));
    }

    /** A plain connection from {@code source}; the caller closes it. */
    private static Socket connect(String source, int port) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(source, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static SSLSocket connectTls(SSLSocketFactory factory, String source, int port) throws IOException {
        Socket plain = connect(source, port);
        SSLSocket tls = (SSLSocket) factory.createSocket(plain, "localhost", port, true);
        tls.startHandshake();
        return tls;
    }

    private static BufferedReader reader(Socket socket) throws IOException {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
    }

    private static void send(Socket socket, String line) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static String greeting(String source, int port) throws IOException {
        try (Socket socket = connect(source, port)) {
            return reader(socket).readLine();
        }
    }

    @Test
    void tooManyConnectionsFromOneAddressAreRefusedWhileAnotherIsServed() throws Exception {
        try (RunningServer server = RunningServer.start(dir, DefenceIT::defended)) {
            int smtp = server.port("smtp");
            try (Socket first = connect(FLOODER, smtp); Socket second = connect(FLOODER, smtp)) {
                assertThat(reader(first).readLine()).startsWith("220 ");
                assertThat(reader(second).readLine()).startsWith("220 ");
                // the limit is per client, over every listener
                assertThat(greeting(FLOODER, smtp)).isEqualTo("421 4.7.0 Too many connections from your address");
                assertThat(greeting(FLOODER, server.port("imap"))).isEqualTo("* BYE Too many connections");
                assertThat(greeting(FLOODER, server.port("pop3"))).isEqualTo("-ERR [SYS/TEMP] Too many connections");
                assertThat(greeting(NEIGHBOUR, smtp)).startsWith("220 ");
            }
            // closed connections free their slots
            await().atMost(Duration.ofSeconds(10)).until(() -> greeting(FLOODER, smtp).startsWith("220 "));
        }
    }

    @Test
    void failedLoginsOverSmtpAndImapBanTheAddressEverywhereUntilBanDel() throws Exception {
        try (RunningServer server = RunningServer.start(dir, DefenceIT::defended)) {
            server.addUser("alice@example.test", "correct horse");
            SSLSocketFactory tls = SubmissionTls.trusting(server.certificate()).getSocketFactory();

            try (SSLSocket socket = connectTls(tls, GUESSER, server.port("submissions"))) {
                BufferedReader in = reader(socket);
                assertThat(in.readLine()).startsWith("220 ");
                send(socket, "EHLO guesser.example");
                String line;
                do {
                    line = in.readLine();
                } while (line.startsWith("250-"));
                String wrong = Base64.getEncoder().encodeToString("\0alice@example.test\0guess1".getBytes(StandardCharsets.UTF_8));
                send(socket, "AUTH PLAIN " + wrong);
                assertThat(in.readLine()).startsWith("535 ");
            }
            assertThat(greeting(GUESSER, server.port("smtp"))).startsWith("220 "); // one failure: not yet

            try (SSLSocket socket = connectTls(tls, GUESSER, server.port("imaps"))) {
                BufferedReader in = reader(socket);
                assertThat(in.readLine()).startsWith("* OK");
                send(socket, "a LOGIN alice@example.test guess2");
                assertThat(in.readLine()).startsWith("a NO ");
            }

            assertThat(greeting(GUESSER, server.port("smtp"))).isEqualTo("421 4.7.0 Your address is temporarily banned");
            assertThat(greeting(GUESSER, server.port("imap"))).isEqualTo("* BYE Your address is temporarily banned");
            assertThat(greeting(GUESSER, server.port("pop3"))).startsWith("-ERR [SYS/TEMP] ");
            assertThat(greeting(NEIGHBOUR, server.port("smtp"))).startsWith("220 ");
            assertThat(greeting("127.0.0.1", server.port("smtp"))).startsWith("220 ");
            var metrics = server.server().metrics();
            assertThat(metrics.value("bastion_auth_failures_total", "protocol", "smtp")).isEqualTo(1);
            assertThat(metrics.value("bastion_auth_failures_total", "protocol", "imap")).isEqualTo(1);
            assertThat(metrics.render()).contains("bastion_bans_active 1\n");

            Path configFile = dir.resolve("bastion.toml");
            Files.writeString(configFile, """
                    hostname = "mx.example.test"
                    data_dir = "%s"
                    [defence]
                    allow_networks = ["127.0.0.1"]
                    """.formatted(dir.toAbsolutePath().toString().replace("\\", "\\\\")));
            assertThat(cli("ban", "list", "-c", configFile.toString())).contains(GUESSER);
            assertThat(cli("ban", "del", GUESSER, "-c", configFile.toString())).contains("lifted");
            await().atMost(Duration.ofSeconds(10)).until(() -> greeting(GUESSER, server.port("smtp")).startsWith("220 "));

            // and a ban added from the command line takes effect while the server runs
            assertThat(cli("ban", "add", NEIGHBOUR, "--for", "1h", "-c", configFile.toString())).contains("banned 127.0.0.6");
            await().atMost(Duration.ofSeconds(10)).until(() -> greeting(NEIGHBOUR, server.port("imap")).startsWith("* BYE"));
        }
    }

    private static String cli(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.run(args)).as(String.join(" ", args)).isZero();
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
