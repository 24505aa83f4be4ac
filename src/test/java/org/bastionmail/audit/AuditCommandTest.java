package org.bastionmail.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bastionmail.cli.Main;
import org.bastionmail.dns.testserver.TestDnsServer;
import org.bastionmail.dns.testserver.TestZone;
import org.bastionmail.server.RunningServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bastion audit} end to end: options, JSON and text output, exit codes. */
class AuditCommandTest {
    @TempDir
    static Path dir;
    static TestDnsServer dns;
    static FakeSmtpServer weak;
    static FakeSmtpServer quiet;

    private final PrintStream stdout = System.out;
    private final PrintStream stderr = System.err;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void servers() throws Exception {
        dns = RunningServer.startDns(TestZone.parse("localhost", SmtpAuditTest.SOA + "@ A 127.0.0.1\n"),
                TestZone.parse("weak.test", SmtpAuditTest.SOA + "quiet A 127.0.0.1\n"));
        weak = new FakeSmtpServer(dir.resolve("weak"), "mx.weak.test", FakeSmtpServer.Weaknesses.all());
        quiet = new FakeSmtpServer(dir.resolve("quiet"), "quiet.weak.test", FakeSmtpServer.Weaknesses.none());
    }

    @AfterAll
    static void stop() throws Exception {
        weak.close();
        quiet.close();
        dns.close();
    }

    @BeforeEach
    void capture() {
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(stdout);
        System.setErr(stderr);
    }

    private int audit(String... args) {
        List<String> all = new ArrayList<>(List.of("audit", "--dns", dns.hostPort(), "--timeout", "3", "--helo", "auditor.test"));
        all.addAll(List.of(args));
        out.reset();
        err.reset();
        return Main.run(all.toArray(String[]::new));
    }

    @Test
    void aWeakServerFailsWithJsonEvidence() throws Exception {
        assertThat(audit("--server", "127.0.0.1:" + weak.port(), "--json")).isEqualTo(1);

        JsonNode report = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        assertThat(report.get("grade").asText()).isEqualTo("F");
        assertThat(report.get("target").asText()).isEqualTo("127.0.0.1:" + weak.port());
        JsonNode first = report.get("findings").get(0);
        assertThat(first.get("id").asText()).isEqualTo("smtp.open-relay");
        assertThat(first.get("severity").asText()).isEqualTo("critical");
        assertThat(first.get("evidence").asText()).contains("RCPT TO:<relaytest@example.net>");
        assertThat(first.get("fix").asText()).isNotEmpty();
    }

    @Test
    void theThresholdDecidesTheExitCode() {
        assertThat(audit("--server", "127.0.0.1:" + weak.port(), "--fail-on", "none")).as(out + "\n" + err).isZero();
        assertThat(audit("--server", "127.0.0.1:" + weak.port(), "--fail-on", "critical")).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("[CRITICAL] Open relay").contains("Grade: F").doesNotContain("\u001b[");
    }

    @Test
    void aCleanServerPasses() {
        Path cert = quiet.certificate(dir.resolve("quiet"));
        assertThat(audit("--server", "quiet.weak.test:" + quiet.port(), "--ca-file", cert.toString())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Grade: A+");
        assertThat(audit("--server", "quiet.weak.test:" + quiet.port(), "--fail-on", "info")).isEqualTo(1);
    }

    @Test
    void usageAndNetworkErrorsExitWithTwo() throws Exception {
        assertThat(audit()).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("either a DOMAIN or --server");
        assertThat(audit("example.test", "--server", "127.0.0.1")).isEqualTo(2);
        assertThat(audit("--server", "127.0.0.1:" + weak.port(), "--fail-on", "severe")).isEqualTo(2);
        assertThat(audit("--server", "127.0.0.1:99999")).isEqualTo(2);
        assertThat(audit("--server", "127.0.0.1:" + weak.port(), "--ca-file", dir.resolve("missing.pem").toString())).isEqualTo(2);
        int closed = DomainAuditTest.closedPort();
        assertThat(audit("--server", "127.0.0.1:" + closed)).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Not checked (errors)");
    }
}
