package org.bastionmail.pop3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bastionmail.pop3.Pop3Server.ALICE;
import static org.bastionmail.pop3.Pop3Server.PASSWORD;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop: Python's poplib and curl, as separate processes, against a running POP3 server. A missing tool
 * skips its test on a developer machine and fails it in CI (CI set).
 */
class Pop3InteropIT {
    private static final Path SCRIPT = Path.of("src/test/interop/pop3_client.py");
    static final String FIRST = "From: a@example.net\r\nSubject: first\r\n\r\nhello\r\n.dotted line\r\nbye\r\n";
    static final String SECOND = "Subject: second\r\n\r\nsecond body\r\n";

    @TempDir
    Path dir;
    Pop3Server server;
    long uid1;
    long uid2;

    @BeforeEach
    void start() throws Exception {
        server = new Pop3Server(dir);
        uid1 = server.deliver(ALICE, FIRST);
        uid2 = server.deliver(ALICE, SECOND);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    record Result(int exit, String stdout, String stderr) {}

    private static Result run(List<String> command) throws Exception {
        requireTool(command.getFirst());
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("BASTION_TEST_PASSWORD", PASSWORD);
        Path err = File.createTempFile("pop3-interop", ".err").toPath();
        builder.redirectError(err.toFile());
        Process process = builder.start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        String stderr = java.nio.file.Files.readString(err);
        java.nio.file.Files.delete(err);
        return new Result(process.exitValue(), out, stderr);
    }

    private static void requireTool(String tool) {
        boolean present = System.getenv("PATH") != null && List.of(System.getenv("PATH").split(File.pathSeparator))
                .stream().anyMatch(d -> new File(d, tool).canExecute());
        if (!present && System.getenv("CI") != null) {
            throw new AssertionError(tool + " is not installed; CI must install it");
        }
        Assumptions.assumeTrue(present, tool + " is not installed");
    }

    private JsonNode poplib(String mode, int port) throws Exception {
        Result r = run(List.of("python3", SCRIPT.toString(), mode, "127.0.0.1", String.valueOf(port),
                server.certificate.toString(), ALICE));
        assertThat(r.exit()).as(r.stderr()).isZero();
        return new ObjectMapper().readTree(r.stdout());
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private void assertSession(JsonNode seen) throws IOException {
        long v = server.uidValidity(ALICE);
        assertThat(seen.get("welcome").asText()).startsWith("+OK").doesNotContainIgnoringCase("bastion");
        assertThat(seen.get("capa").has("USER")).isTrue();
        assertThat(seen.get("capa").has("STLS")).isFalse();
        assertThat(strings(seen.get("capa").get("SASL"))).containsExactly("SCRAM-SHA-256", "PLAIN");
        assertThat(seen.get("stat").get(0).asInt()).isEqualTo(2);
        assertThat(seen.get("stat").get(1).asLong()).isEqualTo(FIRST.length() + SECOND.length());
        assertThat(strings(seen.get("list"))).containsExactly("1 " + FIRST.length(), "2 " + SECOND.length());
        assertThat(strings(seen.get("uidl"))).containsExactly("1 " + v + "-" + uid1, "2 " + v + "-" + uid2);
        // poplib removes the byte-stuffing: the lines are the message's own
        assertThat(strings(seen.get("retr"))).containsExactly("From: a@example.net", "Subject: first", "", "hello",
                ".dotted line", "bye");
        assertThat(strings(seen.get("top"))).containsExactly("From: a@example.net", "Subject: first", "");
        assertThat(seen.get("quit").asText()).startsWith("+OK");
        assertThat(server.inboxUids(ALICE)).containsExactly(uid2);
    }

    @Test
    void poplibWithStls() throws Exception {
        JsonNode seen = poplib("stls", server.port());
        assertThat(strings(seen.get("capa_before_tls"))).contains("STLS").doesNotContain("USER", "SASL");
        assertSession(seen);
    }

    @Test
    void poplibWithImplicitTls() throws Exception {
        assertSession(poplib("implicit", server.implicitPort()));
    }

    /** curl verifies the host name too: the certificate's name is sent to loopback with --resolve. */
    private static List<String> curl(int port, String... args) {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30",
                "--resolve", Pop3Server.HOST + ":" + port + ":127.0.0.1", "--user", ALICE + ":" + PASSWORD));
        command.addAll(List.of(args));
        return command;
    }

    @Test
    void curlRetrievesAMessageOverStls() throws Exception {
        Result r = run(curl(server.port(), "--ssl-reqd", "--cacert", server.certificate.toString(),
                "pop3://" + Pop3Server.HOST + ":" + server.port() + "/1"));
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo(FIRST);
        assertThat(server.inboxUids(ALICE)).containsExactly(uid1, uid2);
    }

    @Test
    void curlListsOverImplicitTls() throws Exception {
        Result r = run(curl(server.implicitPort(), "--cacert", server.certificate.toString(),
                "pop3s://" + Pop3Server.HOST + ":" + server.implicitPort() + "/"));
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stdout().lines().toList()).containsExactly("1 " + FIRST.length(), "2 " + SECOND.length());
    }

    @Test
    void curlRefusesToSendThePasswordWhenTheCertificateIsNotTrusted() throws Exception {
        // the negative control: with the system's trust store the self-signed certificate must fail
        Result r = run(curl(server.port(), "--ssl-reqd", "pop3://" + Pop3Server.HOST + ":" + server.port() + "/1"));
        assertThat(r.exit()).as(r.stderr()).isIn(51, 60); // CURLE_PEER_FAILED_VERIFICATION (60; 51 in old curl)
    }
}
