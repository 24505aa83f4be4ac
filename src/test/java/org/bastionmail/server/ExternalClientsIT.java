package org.bastionmail.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop: Python's smtplib and swaks, as separate processes, against a running server. On a developer
 * machine without them these tests are skipped; in CI (CI=true) a missing client is a failure.
 */
class ExternalClientsIT {
    private static final String PASSWORD = "interop pass phrase";
    private static final Path SCRIPTS = Path.of("src/test/interop");

    @TempDir
    static Path dataDir;
    static RunningServer server;

    @BeforeAll
    static void start() throws Exception {
        server = RunningServer.start(dataDir);
        server.addUser("alice@example.test", PASSWORD);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    record Result(int exitCode, String output) {}

    private static Result run(List<String> command) throws Exception {
        requireTool(command.getFirst());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("BASTION_TEST_PASSWORD", PASSWORD);
        Process process = builder.start();
        process.getOutputStream().close();
        String output = RunningServer.read(process.getInputStream());
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Result(process.exitValue(), output);
    }

    static void requireTool(String tool) {
        boolean present = System.getenv("PATH") != null && List.of(System.getenv("PATH").split(File.pathSeparator)).stream()
                .anyMatch(dir -> new File(dir, tool).canExecute());
        if (!present && System.getenv("CI") != null) {
            throw new AssertionError(tool + " is not installed; .ci/run must install it");
        }
        Assumptions.assumeTrue(present, tool + " is not installed");
    }

    private static List<String> python(String script, String... args) {
        List<String> command = new ArrayList<>(List.of("python3", SCRIPTS.resolve(script).toString()));
        command.addAll(List.of(args));
        return command;
    }

    private void assertDelivered(String account, String token) throws Exception {
        assertThat(server.inbox(account, Duration.ofSeconds(10))).filteredOn(m -> m.contains(token)).hasSize(1);
    }

    @Test
    void smtplibSubmitsWithStartTlsAndAuthPlain() throws Exception {
        String token = UUID.randomUUID().toString();
        Result result = run(python("smtplib_submit.py", "starttls-plain", "127.0.0.1", port("submission"),
                server.certificate().toString(), "alice@example.test", "-", "alice@example.test", token));
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertDelivered("alice@example.test", token);
    }

    @Test
    void smtplibSubmitsWithStartTlsAndAuthLogin() throws Exception {
        String token = UUID.randomUUID().toString();
        Result result = run(python("smtplib_submit.py", "starttls-login", "127.0.0.1", port("submission"),
                server.certificate().toString(), "alice@example.test", "-", "alice@example.test", token));
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertDelivered("alice@example.test", token);
    }

    @Test
    void smtplibSubmitsOverImplicitTls() throws Exception {
        String token = UUID.randomUUID().toString();
        Result result = run(python("smtplib_submit.py", "implicit-plain", "127.0.0.1", port("submissions"),
                server.certificate().toString(), "alice@example.test", "-", "alice@example.test", token));
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertDelivered("alice@example.test", token);
    }

    @Test
    void smtplibSendsInBdatChunks() throws Exception {
        String token = UUID.randomUUID().toString();
        Result result = run(python("smtplib_bdat.py", "127.0.0.1", port("smtp"), "alice@example.test", token));
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(server.inbox("alice@example.test", Duration.ofSeconds(10))).filteredOn(m -> m.contains(token))
                .singleElement().satisfies(m -> assertThat(m).contains("\r\n.leading dot kept as is\r\nToken: " + token + "\r\n"));
    }

    @Test
    void swaksDeliversToTheMx() throws Exception {
        String token = UUID.randomUUID().toString();
        Result result = run(List.of("swaks", "--server", "127.0.0.1:" + port("smtp"), "--helo", "client.example.test",
                "--from", "someone@elsewhere.test", "--to", "alice@example.test", "--header", "Subject: swaks " + token));
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertDelivered("alice@example.test", token);
    }

    @Test
    void swaksPipelinesToTheMx() throws Exception {
        String token = UUID.randomUUID().toString();
        Result result = run(List.of("swaks", "--pipeline", "--server", "127.0.0.1:" + port("smtp"),
                "--from", "someone@elsewhere.test", "--to", "alice@example.test", "--header", "Subject: pipelined " + token));
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("PIPELINING");
        assertDelivered("alice@example.test", token);
    }

    @Test
    void swaksSubmitsWithStartTlsAndAuth() throws Exception {
        for (String mechanism : List.of("PLAIN", "LOGIN")) {
            String token = UUID.randomUUID().toString();
            Result result = run(List.of("swaks", "--server", "127.0.0.1:" + port("submission"), "--tls",
                    "--auth", mechanism, "--auth-user", "alice@example.test", "--auth-password", PASSWORD,
                    "--from", "alice@example.test", "--to", "alice@example.test", "--header", "Subject: " + mechanism + " " + token));
            assertThat(result.exitCode()).as(result.output()).isZero();
            assertDelivered("alice@example.test", token);
        }
    }

    @Test
    void swaksOverImplicitTls() throws Exception {
        String token = UUID.randomUUID().toString();
        Result result = run(List.of("swaks", "--server", "127.0.0.1:" + port("submissions"), "--tls-on-connect",
                "--auth", "PLAIN", "--auth-user", "alice@example.test", "--auth-password", PASSWORD,
                "--from", "alice@example.test", "--to", "alice@example.test", "--header", "Subject: smtps " + token));
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertDelivered("alice@example.test", token);
    }

    @Test
    void swaksCannotAuthenticateWithoutTls() throws Exception {
        Result result = run(List.of("swaks", "--server", "127.0.0.1:" + port("submission"),
                "--auth", "PLAIN", "--auth-user", "alice@example.test", "--auth-password", PASSWORD,
                "--from", "alice@example.test", "--to", "alice@example.test"));
        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).doesNotContain("235 ");
    }

    @Test
    void swaksIsRefusedRelay() throws Exception {
        Result result = run(List.of("swaks", "--server", "127.0.0.1:" + port("smtp"),
                "--from", "someone@elsewhere.test", "--to", "victim@other.test"));
        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).contains("5.7.1");
    }

    private static String port(String listener) {
        return String.valueOf(server.port(listener));
    }
}
