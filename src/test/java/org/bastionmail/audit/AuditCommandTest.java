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
    static Path config;

    private final PrintStream stdout = System.out;
    private final PrintStream stderr = System.err;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void servers() throws Exception {
        dns = RunningServer.startDns(TestZone.parse("localhost", SmtpAuditTest.SOA + "@ A 127.0.0.1\n"),
                TestZone.parse("weak.test", SmtpAuditTest.SOA + "quiet A 127.0.0.1\n"),
                TestZone.parse("cli.test", SmtpAuditTest.SOA + "@ MX 10 quiet.weak.test.\n@ TXT \"v=spf1 mx -all\"\n"
                        + "_dmarc TXT \"v=DMARC1; p=reject; rua=mailto:dmarc@cli.test\"\n"));
        // the DNS server comes from --dns; the configuration only turns DNSSEC validation off for the unsigned test zones
        config = dir.resolve("bastion.toml");
        java.nio.file.Files.writeString(config, """
                hostname = "auditor.test"
                data_dir = "data"
                [dns]
                servers = ["192.0.2.1:53"]
                timeout = 1
                dnssec = false
                """);
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

    @Override
    public String toString() {
        return out.toString(StandardCharsets.UTF_8) + "\n---\n" + err.toString(StandardCharsets.UTF_8);
    }

    private int audit(String... args) {
        List<String> all = new ArrayList<>(List.of("audit", "--config", config.toString(), "--dns", dns.hostPort(), "--timeout", "3", "--helo", "auditor.test"));
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
    void progressGoesToStandardErrorAndQuietSilencesIt() {
        audit("--server", "127.0.0.1:" + weak.port(), "--json");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("checking SMTP 127.0.0.1[127.0.0.1]:" + weak.port());
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("checking").startsWith("{");
        audit("--server", "127.0.0.1:" + weak.port(), "--quiet");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void aCleanServerPasses() {
        Path cert = quiet.certificate(dir.resolve("quiet"));
        assertThat(audit("--server", "quiet.weak.test:" + quiet.port(), "--ca-file", cert.toString())).as("%s", this).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Grade: A+");
        assertThat(audit("--server", "quiet.weak.test:" + quiet.port(), "--fail-on", "info")).isEqualTo(1);
    }

    @Test
    void aDomainIsAuditedWithItsMxHosts() throws Exception {
        Path cert = quiet.certificate(dir.resolve("quiet"));
        assertThat(audit("cli.test", "--port", String.valueOf(quiet.port()), "--ca-file", cert.toString(), "--json")).as("%s", this).isZero();

        JsonNode report = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        assertThat(report.get("target").asText()).isEqualTo("cli.test");
        List<String> ids = new ArrayList<>();
        report.get("findings").forEach(f -> ids.add(f.get("id").asText()));
        assertThat(ids).contains("dns.mx", "spf.policy", "dmarc.policy", "tlsrpt.missing", "mtasts.missing", "smtp.ehlo.capabilities", "tls.session");
        assertThat(report.get("grade").asText()).isEqualTo("A");
        assertThat(audit("cli.test", "--port", String.valueOf(quiet.port()), "--ca-file", cert.toString(), "--fail-on", "low")).isEqualTo(1);
    }

    @Test
    void usageAndNetworkErrorsExitWithTwo() throws Exception {
        assertThat(audit()).as("%s", this).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("either a DOMAIN or --server");
        assertThat(audit("example.test", "--server", "127.0.0.1")).as("%s", this).isEqualTo(2);
        assertThat(audit("--server", "127.0.0.1:" + weak.port(), "--fail-on", "severe")).as("%s", this).isEqualTo(2);
        assertThat(audit("--server", "127.0.0.1:99999")).as("%s", this).isEqualTo(2);
        assertThat(audit("--server", "127.0.0.1:" + weak.port(), "--ca-file", dir.resolve("missing.pem").toString())).as("%s", this).isEqualTo(2);
        int closed = DomainAuditTest.closedPort();
        assertThat(audit("--server", "127.0.0.1:" + closed)).as("%s", this).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Not checked (errors)");
    }

    @Test
    void theSmugglingProbeIsRefusedOutsideTheAuditedDomain() {
        // exit 2 before any connection: the probe delivers messages, so only to the audited domain
        assertThat(audit("cli.test", "--port", String.valueOf(quiet.port()), "--probe-smuggling", "--probe-recipient", "victim@other.test"))
                .as("%s", this).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("not in the audited domain cli.test");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(audit("cli.test", "--probe-smuggling", "--probe-recipient", "a@sub.cli.test")).as("%s", this).isEqualTo(2);
        assertThat(audit("--server", "127.0.0.1:" + weak.port(), "--probe-smuggling", "--probe-recipient", "probe@weak.test")).as("%s", this).isEqualTo(2);
        assertThat(audit("--server", "quiet.weak.test:" + quiet.port(), "--probe-smuggling", "--probe-recipient", "probe@cli.test")).as("%s", this).isEqualTo(2);
        assertThat(audit("cli.test", "--probe-smuggling")).as("%s", this).isEqualTo(2);
        assertThat(audit("cli.test", "--probe-recipient", "probe@cli.test")).as("%s", this).isEqualTo(2);
        assertThat(audit("cli.test", "--probe-smuggling", "--probe-recipient", "not-an-address")).as("%s", this).isEqualTo(2);
    }
}
