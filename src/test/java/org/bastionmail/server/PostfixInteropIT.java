package org.bastionmail.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bastionmail.config.Config;
import org.bastionmail.delivery.RemoteDelivery;
import org.bastionmail.dns.testserver.TestZone;
import org.bastionmail.queue.RecipientState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Bastion against a server nobody here wrote: Debian's Postfix, run as a private instance from a directory of
 * its own (src/test/interop/postfix/postfix-instance.sh), listening on 127.0.0.2 only. Bastion relays to it
 * over TLS it verifies against the instance's test CA, and it relays to Bastion with opportunistic STARTTLS.
 */
class PostfixInteropIT {
    private static final String SOA = "@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\n";
    private static final Path SCRIPT = Path.of("src/test/interop/postfix/postfix-instance.sh");
    private static final String PASSWORD = "interop test password";

    @TempDir
    static Path postfixDir;
    @TempDir
    static Path bastionDir;
    static RunningServer bastion;
    static int postfixPort;
    static boolean postfixStarted;
    static final ListAppender<ILoggingEvent> deliveryLog = new ListAppender<>();

    @BeforeAll
    static void start() throws Exception {
        for (String tool : List.of("postfix", "openssl", "script")) {
            ExternalClientsIT.requireTool(tool);
        }
        // postfix(1) start, set-permissions and the chown of the queue need root (CI runs as root)
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root && System.getenv("CI") != null) {
            throw new AssertionError("the Postfix interop test must run as root");
        }
        Assumptions.assumeTrue(root, "a private Postfix instance needs root");
        // Bastion must know the CA before it starts, Postfix must know Bastion's port before it starts
        run("certificates", postfixDir.toString());
        postfixPort = freePort("127.0.0.2");
        bastion = RunningServer.start(bastionDir,
                c -> c.withDelivery(new Config.Delivery(postfixPort, Optional.empty(), Optional.empty(), List.of(),
                        Optional.of(postfixDir.resolve("tls/ca.pem")))),
                TestZone.parse("postfix.test", SOA + """
                        @ MX 10 mx
                        mx A 127.0.0.2
                        """));
        bastion.addUser("alice@example.test", PASSWORD);
        Logger logger = (Logger) LoggerFactory.getLogger(RemoteDelivery.class);
        deliveryLog.start();
        logger.addAppender(deliveryLog);
        postfixStarted = true;
        run("start", postfixDir.toString(), String.valueOf(postfixPort), String.valueOf(bastion.port("smtp")));
    }

    @AfterAll
    static void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger(RemoteDelivery.class)).detachAppender(deliveryLog);
        if (postfixStarted) {
            run("stop", postfixDir.toString());
        }
        if (bastion != null) {
            bastion.close();
        }
    }

    @BeforeEach
    void forgetEarlierDeliveries() {
        // the tests share one Postfix and one bob: each looks only at the queue log of its own deliveries
        synchronized (deliveryLog) {
            deliveryLog.list.clear();
        }
    }

    @Test
    void bastionRelaysToPostfixOverVerifiedTls() throws Exception {
        String token = UUID.randomUUID().toString();
        submitToBastion("bob@postfix.test", token);
        bastion.server().delivery().awaitIdle(Duration.ofSeconds(10));
        bastion.server().remoteDelivery().scan();
        bastion.server().remoteDelivery().awaitIdle(Duration.ofSeconds(30));

        String delivered = await().atMost(30, TimeUnit.SECONDS).until(() -> maildirMessage("bob", token),
                Optional::isPresent).orElseThrow();
        // Postfix's own Received line: Bastion came in over TLS 1.3
        assertThat(delivered).as(maillog()).contains("Delivered-To: bob@postfix.test")
                .containsPattern("by mx.postfix.test \\(Postfix\\) with ESMTPS")
                .contains("(using TLSv1.3 with cipher");
        // Bastion's queue log: delivered to the MX host, whose certificate chained to the test CA
        assertThat(deliveryLines())
                .filteredOn(line -> line.contains("bob@postfix.test") && line.contains("DELIVERED"))
                .singleElement().satisfies(line -> assertThat(line)
                        .contains("mx.postfix.test [127.0.0.2] said 250").contains("TLSv1.3").contains(" verified)"));
        assertThat(bastion.server().queue().entries()).noneMatch(e -> e.envelope().recipients().stream()
                .anyMatch(r -> r.address().toString().equals("bob@postfix.test")));
    }

    @Test
    void withoutTheTestCaTheSameDeliveryIsOnlyOpportunistic(@TempDir Path otherDir) throws Exception {
        // The verified outcome above is owed to trust_anchors: a Bastion trusting only the JDK's CAs still
        // delivers (opportunistic STARTTLS, RFC 3207), but records the peer as unverified
        try (RunningServer other = RunningServer.start(otherDir,
                c -> c.withDelivery(new Config.Delivery(postfixPort, Optional.empty(), Optional.empty())),
                TestZone.parse("postfix.test", SOA + """
                        @ MX 10 mx
                        mx A 127.0.0.2
                        """))) {
            other.addUser("alice@example.test", PASSWORD);
            String token = UUID.randomUUID().toString();
            submit(other, "bob@postfix.test", token);
            other.server().delivery().awaitIdle(Duration.ofSeconds(10));
            other.server().remoteDelivery().scan();
            other.server().remoteDelivery().awaitIdle(Duration.ofSeconds(30));

            await().atMost(30, TimeUnit.SECONDS).until(() -> maildirMessage("bob", token), Optional::isPresent);
            assertThat(deliveryLines())
                    .filteredOn(line -> line.contains("bob@postfix.test") && line.contains("DELIVERED"))
                    .singleElement().satisfies(line -> assertThat(line)
                            .contains("mx.postfix.test [127.0.0.2] said 250").contains(" unverified)"));
        }
    }

    @Test
    void aSmarthostMustPresentACertificateTheAnchorsVerify(@TempDir Path trustingDir, @TempDir Path untrustingDir)
            throws Exception {
        Config.Smarthost postfix = new Config.Smarthost("mx.postfix.test", postfixPort, false, Optional.empty(),
                Optional.empty());
        try (RunningServer trusting = startRelayingThrough(trustingDir, postfix, Optional.of(postfixDir.resolve("tls/ca.pem")));
                RunningServer untrusting = startRelayingThrough(untrustingDir, postfix, Optional.empty())) {
            String trusted = UUID.randomUUID().toString();
            String refused = UUID.randomUUID().toString();
            submit(trusting, "bob@postfix.test", trusted);
            submit(untrusting, "bob@postfix.test", refused);
            for (RunningServer server : List.of(trusting, untrusting)) {
                server.server().delivery().awaitIdle(Duration.ofSeconds(10));
                server.server().remoteDelivery().scan();
                server.server().remoteDelivery().awaitIdle(Duration.ofSeconds(30));
            }

            await().atMost(30, TimeUnit.SECONDS).until(() -> maildirMessage("bob", trusted), Optional::isPresent);
            assertThat(deliveryLines())
                    .filteredOn(line -> line.contains("bob@postfix.test") && line.contains("DELIVERED"))
                    .singleElement().satisfies(line -> assertThat(line).contains(" verified)"));
            // A smarthost's TLS is required and verified: a certificate from an unknown CA holds the mail back
            assertThat(untrusting.server().queue().entries()).singleElement().satisfies(entry -> assertThat(
                    entry.recipients().getFirst()).satisfies(state -> {
                        assertThat(state.status()).isEqualTo(RecipientState.Status.DEFERRED);
                        assertThat(state.reason()).hasValueSatisfying(r -> assertThat(r).startsWith("4.").contains("certificate"));
                    }));
            assertThat(maildirMessage("bob", refused)).isEmpty();
        }
    }

    private static RunningServer startRelayingThrough(Path dir, Config.Smarthost smarthost, Optional<Path> anchors)
            throws Exception {
        RunningServer server = RunningServer.start(dir,
                c -> c.withDelivery(new Config.Delivery(25, Optional.empty(), Optional.of(smarthost), List.of(), anchors)),
                TestZone.parse("postfix.test", SOA + "mx A 127.0.0.2\n"));
        server.addUser("alice@example.test", PASSWORD);
        return server;
    }

    @Test
    void postfixRelaysToBastionWithStartTls() throws Exception {
        String token = UUID.randomUUID().toString();
        injectIntoPostfix("carol@postfix.test", "alice@example.test", token);

        String delivered = await().atMost(60, TimeUnit.SECONDS).until(
                () -> bastion.inbox("alice@example.test", Duration.ofSeconds(2)).stream()
                        .filter(m -> m.contains(token)).findFirst(),
                Optional::isPresent).orElseThrow();
        assertThat(delivered).as(maillog())
                // Bastion's Received line: Postfix's client took up STARTTLS
                .containsPattern("from mx\\.postfix\\.test \\([^)]*127\\.0\\.0\\.2[^)]*\\)")
                .contains("by mx.example.test with ESMTPS (TLSv1.3")
                // and Postfix's own, from the injection
                .contains("by mx.postfix.test (Postfix) with ESMTP");
        assertThat(maillog()).contains("relay=127.0.0.1[127.0.0.1]:" + bastion.port("smtp"))
                .contains("status=sent");
    }

    @Test
    void aRecipientPostfixRefusesIsBouncedToTheSender() throws Exception {
        // Postfix answers 550 5.1.1 for a user its mailbox table does not list: a DSN, not a retry
        String token = UUID.randomUUID().toString();
        submitToBastion("nobody@postfix.test", token);
        bastion.server().delivery().awaitIdle(Duration.ofSeconds(10));
        bastion.server().remoteDelivery().scan();
        bastion.server().remoteDelivery().awaitIdle(Duration.ofSeconds(30));
        assertThat(bastion.inbox("alice@example.test", Duration.ofSeconds(10))).filteredOn(m -> m.contains(token))
                .singleElement().satisfies(m -> assertThat(m).contains("Undelivered Mail Returned to Sender")
                        .contains("nobody@postfix.test").contains("5.1.1"));
    }

    private static void submitToBastion(String to, String token) throws Exception {
        submit(bastion, to, token);
    }

    private static void submit(RunningServer server, String to, String token) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(server.port("submission")));
        props.put("mail.smtp.auth", "true");
        props.put("mail.smtp.starttls.enable", "true");
        props.put("mail.smtp.starttls.required", "true");
        props.put("mail.smtp.ssl.socketFactory", SubmissionTls.trusting(server.certificate()).getSocketFactory());
        props.put("mail.smtp.ssl.checkserveridentity", "false");
        props.put("mail.smtp.localhost", "client.example.test");
        MimeMessage message = new MimeMessage(Session.getInstance(props));
        message.setFrom(new InternetAddress("alice@example.test"));
        message.setRecipients(Message.RecipientType.TO, to);
        message.setSubject("to Postfix " + token);
        message.setText("Relayed through Bastion to Postfix, token " + token + "\n");
        Transport.send(message, "alice@example.test", PASSWORD);
    }

    /** Postfix relays for loopback clients (mynetworks): plain SMTP into its 127.0.0.2 listener. */
    private static void injectIntoPostfix(String from, String to, String token) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.2");
        props.put("mail.smtp.port", String.valueOf(postfixPort));
        props.put("mail.smtp.localhost", "client.postfix.test");
        MimeMessage message = new MimeMessage(Session.getInstance(props));
        message.setFrom(new InternetAddress(from));
        message.setRecipients(Message.RecipientType.TO, to);
        message.setSubject("from Postfix " + token);
        message.setText("Relayed through Postfix to Bastion, token " + token + "\n");
        Transport.send(message);
    }

    /** The queue log so far; logback appends under the appender's lock, from delivery threads. */
    private static List<String> deliveryLines() {
        synchronized (deliveryLog) {
            return deliveryLog.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    private static Optional<String> maildirMessage(String user, String token) throws IOException {
        Path inbox = postfixDir.resolve("mail").resolve(user).resolve("new");
        if (!Files.isDirectory(inbox)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(inbox)) {
            for (Path file : files.toList()) {
                String content = Files.readString(file, StandardCharsets.UTF_8);
                if (content.contains(token)) {
                    return Optional.of(content);
                }
            }
        }
        return Optional.empty();
    }

    private static String maillog() throws IOException {
        Path log = postfixDir.resolve("maillog");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no Postfix log)";
    }

    /** A port nothing listens on now; Postfix binds it a moment later (a race only with other tests' binds). */
    private static int freePort(String address) throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(address, 0));
            return socket.getLocalPort();
        }
    }

    private static void run(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("sh", SCRIPT.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = RunningServer.read(process.getInputStream());
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        if (process.exitValue() != 0) {
            throw new AssertionError(command + " failed (" + process.exitValue() + "):\n" + output);
        }
    }
}
