package org.bastionmail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The administration commands, run as a user would, against a configuration file in a temp dir. */
class CliTest {
    @TempDir
    Path dir;
    private Path config;
    private final InputStream stdin = System.in;
    private final PrintStream stdout = System.out;
    private final PrintStream stderr = System.err;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() throws Exception {
        config = dir.resolve("bastion.toml");
        Files.writeString(config, "hostname = \"mx.example.test\"\ndata_dir = \"data\"\ndomains = [\"example.test\"]\n");
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setIn(stdin);
        System.setOut(stdout);
        System.setErr(stderr);
    }

    private int run(String stdinText, String... args) {
        System.setIn(new ByteArrayInputStream(stdinText.getBytes(StandardCharsets.UTF_8)));
        out.reset();
        err.reset();
        return Main.run(args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void usersAreAddedListedAndDeleted() {
        assertThat(run("s3cret\n", "user", "add", "alice@example.test", "--password-stdin", "--config", config.toString())).isZero();
        assertThat(run("", "user", "list", "--config", config.toString())).isZero();
        assertThat(out()).contains("alice@example.test");
        assertThat(run("", "user", "del", "alice@example.test", "--config", config.toString())).isZero();
        run("", "user", "list", "--config", config.toString());
        assertThat(out()).doesNotContain("alice@example.test");
    }

    @Test
    void aPasswordIsNeverTakenFromAnArgument() {
        int code = run("", "user", "add", "alice@example.test", "hunter2", "--config", config.toString());
        assertThat(code).isNotZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Unmatched argument");
    }

    @Test
    void withoutStdinOrTerminalThePasswordIsRefused() {
        assertThat(run("", "user", "add", "alice@example.test", "--password-stdin", "--config", config.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no password on standard input");
    }

    @Test
    void domainsAndAliases() {
        assertThat(run("", "domain", "add", "other.test", "--config", config.toString())).isZero();
        run("", "domain", "list", "--config", config.toString());
        assertThat(out()).contains("example.test").contains("other.test");
        run("pw\n", "user", "add", "bob@other.test", "--password-stdin", "--config", config.toString());
        assertThat(run("", "alias", "add", "sales@example.test", "bob@other.test", "--config", config.toString())).isZero();
        run("", "alias", "list", "--config", config.toString());
        assertThat(out()).contains("sales@example.test -> bob@other.test");
        assertThat(run("", "domain", "del", "example.test", "--config", config.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("configuration file");
    }

    @Test
    void queueListShowAndRequests() throws Exception {
        assertThat(run("", "queue", "list", "--config", config.toString())).isZero();
        assertThat(out()).contains("0 message(s) in the queue");
        org.bastionmail.queue.FileQueue queue = org.bastionmail.queue.FileQueue.open(dir.resolve("data"));
        String id;
        try (org.bastionmail.queue.IncomingMessage message = queue.newMessage()) {
            message.content().write("Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8));
            id = message.commit(new org.bastionmail.queue.Envelope(java.util.Optional.of(
                    org.bastionmail.mail.MailAddress.parse("alice@example.test")),
                    java.util.List.of(org.bastionmail.queue.Envelope.Recipient.of(org.bastionmail.mail.MailAddress.parse("far@remote.example"))),
                    org.bastionmail.queue.Envelope.BodyType.SEVEN_BIT, false, java.util.Optional.empty(), java.util.Optional.empty(),
                    false, "127.0.0.1", "client.example.test", java.util.Optional.of("alice@example.test"), java.time.Instant.now()));
        }
        assertThat(run("", "queue", "list", "--config", config.toString())).isZero();
        assertThat(out()).contains(id).contains("from alice@example.test").contains("1 recipient(s) waiting");
        assertThat(run("", "queue", "show", id, "--config", config.toString())).isZero();
        assertThat(out()).contains("far@remote.example  pending");
        assertThat(run("", "queue", "retry", id, "--config", config.toString())).isZero();
        assertThat(run("", "queue", "flush", "--config", config.toString())).isZero();
        assertThat(new org.bastionmail.queue.QueueRequests(dir.resolve("data")).take()).containsExactlyInAnyOrder(
                new org.bastionmail.queue.QueueRequests.Request.Retry(id), new org.bastionmail.queue.QueueRequests.Request.Flush());
        assertThat(run("", "queue", "show", "00000000000000zz", "--config", config.toString())).isEqualTo(1);
        assertThat(run("", "queue", "delete", "../../etc/passwd", "--config", config.toString())).isEqualTo(1);
    }

    @Test
    void aBadConfigurationIsReportedWithFileAndKey() throws Exception {
        Files.writeString(config, "hostname = \"mx.example.test\"\nbogus = 1\n");
        assertThat(run("", "user", "list", "--config", config.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(config + ": bogus: unknown key");
    }
}
