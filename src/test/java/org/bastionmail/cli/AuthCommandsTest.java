package org.bastionmail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bastionmail.config.Config;
import org.bastionmail.dkim.DkimAlgorithm;
import org.bastionmail.dkim.DkimKeys;
import org.bastionmail.dkim.DkimResult;
import org.bastionmail.dkim.DkimSigner;
import org.bastionmail.dkim.DkimVerdict;
import org.bastionmail.dkim.DkimVerifier;
import org.bastionmail.dns.DnsjavaResolver;
import org.bastionmail.dns.testserver.TestDnsServer;
import org.bastionmail.dns.testserver.TestZone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bastion spf check} and {@code bastion dkim keygen}, run as a user would, against a loopback DNS server. */
class AuthCommandsTest {
    private static final String SOA = "@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\n";

    @TempDir
    Path dir;
    private Path config;
    private TestDnsServer dns;
    private final PrintStream stdout = System.out;
    private final PrintStream stderr = System.err;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() throws Exception {
        dns = TestDnsServer.start(TestZone.parse("example.test", SOA + """
                @ TXT "v=spf1 ip4:192.0.2.0/24 include:_spf.example.test -all"
                _spf TXT "v=spf1 ip6:2001:db8::/32 ~all"
                """));
        config = dir.resolve("bastion.toml");
        Files.writeString(config, """
                hostname = "mx.example.test"
                data_dir = "data"
                [dns]
                servers = ["%s"]
                timeout = 1
                dnssec = false
                """.formatted(dns.hostPort()));
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() throws Exception {
        System.setOut(stdout);
        System.setErr(stderr);
        dns.close();
    }

    private int run(String... args) {
        out.reset();
        err.reset();
        return Main.run(args);
    }

    private String firstLine() {
        return out.toString(StandardCharsets.UTF_8).lines().findFirst().orElse("");
    }

    @Test
    void spfPass() {
        assertThat(run("spf", "check", "--config", config.toString(), "--ip", "192.0.2.9", "--sender", "alice@example.test",
                "--helo", "mail.example.test")).isZero();
        assertThat(firstLine()).startsWith("pass ");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("mechanism: ip4:192.0.2.0/24").contains("lookups: ");
    }

    @Test
    void spfFailAndSoftfailThroughAnInclude() {
        assertThat(run("spf", "check", "--config", config.toString(), "--ip", "198.51.100.1", "--sender", "alice@example.test",
                "--helo", "mail.example.test")).isZero();
        assertThat(firstLine()).startsWith("fail ");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("mechanism: -all").contains("_spf.example.test");

        run("spf", "check", "-c", config.toString(), "--ip", "2001:db8::1", "--sender", "alice@example.test", "--helo", "x.test");
        assertThat(firstLine()).startsWith("pass ");
    }

    @Test
    void spfNoneAndABadAddress() {
        run("spf", "check", "--config", config.toString(), "--ip", "192.0.2.9", "--sender", "bob@nowhere.example.test",
                "--helo", "mail.example.test");
        assertThat(firstLine()).startsWith("none ");
        assertThat(run("spf", "check", "--config", config.toString(), "--ip", "mail.example.test", "--sender", "a@example.test",
                "--helo", "h.example.test")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--ip: 'mail.example.test' is not an IPv4 or IPv6 address");
    }

    @Test
    void dkimKeygenWritesKeysAndPrintsRecordsTheVerifierAccepts() throws Exception {
        assertThat(run("dkim", "keygen", "example.test", "--selector", "s1", "--config", config.toString())).isZero();
        String printed = out.toString(StandardCharsets.UTF_8);
        Path data = dir.resolve("data");
        Path ed = DkimKeys.keyFile(data, "example.test", "s1-ed25519", DkimAlgorithm.ED25519_SHA256);
        Path rsa = DkimKeys.keyFile(data, "example.test", "s1-rsa", DkimAlgorithm.RSA_SHA256);
        assertThat(ed).exists();
        assertThat(rsa).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(rsa))).isEqualTo("rw-------");
        assertThat(printed).contains("name:  s1-ed25519._domainkey.example.test").contains("name:  s1-rsa._domainkey.example.test")
                .contains("value: v=DKIM1; k=ed25519; p=").contains("value: v=DKIM1; k=rsa; p=");

        // publish exactly the printed zone lines (the RSA one is split into 255-byte strings) and verify through DNS
        Matcher zone = Pattern.compile("(?m)^zone:  (.*)$").matcher(printed);
        StringBuilder records = new StringBuilder();
        while (zone.find()) {
            records.append(zone.group(1)).append('\n');
        }
        assertThat(records.toString()).contains("\" \"");
        try (TestDnsServer keys = TestDnsServer.start(TestZone.parse("example.test", SOA + records))) {
            verifyWithPublishedKeys(keys, dir.resolve("data"));
        }
    }

    private static void verifyWithPublishedKeys(TestDnsServer keys, Path data) throws Exception {
        DnsjavaResolver resolver = DnsjavaResolver.create(new Config.Dns(List.of(keys.address()), Duration.ofSeconds(1),
                Optional.empty(), false));
        byte[] message = "From: alice@example.test\r\nTo: bob@example.net\r\nSubject: hi\r\n\r\nhello\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        for (String selector : List.of("s1-ed25519", "s1-rsa")) {
            DkimAlgorithm algorithm = selector.endsWith("rsa") ? DkimAlgorithm.RSA_SHA256 : DkimAlgorithm.ED25519_SHA256;
            String field = new DkimSigner(DkimKeys.load(data, "example.test", selector, algorithm), Clock.systemUTC())
                    .sign(message);
            byte[] signed = (field + new String(message, StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII);
            List<DkimResult> results = new DkimVerifier(resolver, Clock.systemUTC()).verify(signed);
            assertThat(results).singleElement().satisfies(r -> assertThat(r.verdict()).as(selector + " " + r.reason())
                    .isEqualTo(DkimVerdict.PASS));
        }
    }

    @Test
    void dkimKeygenOneAlgorithmAndNeverOverwrites() {
        assertThat(run("dkim", "keygen", "example.test", "--algorithm", "ed25519", "--config", config.toString())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("name:  bastion._domainkey.example.test")
                .doesNotContain("k=rsa");
        assertThat(run("dkim", "keygen", "example.test", "--algorithm", "ed25519", "--config", config.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("a key already exists");
        assertThat(run("dkim", "keygen", "../etc", "--config", config.toString())).isNotZero();
        assertThat(run("dkim", "keygen", "example.test", "--algorithm", "dsa", "--config", config.toString())).isNotZero();
    }

    @Test
    void zoneStringsSplitAt255() {
        assertThat(DkimCommand.zoneStrings("short")).isEqualTo("\"short\"");
        String long_ = "a".repeat(300);
        assertThat(DkimCommand.zoneStrings(long_)).isEqualTo("( \"" + "a".repeat(255) + "\" \"" + "a".repeat(45) + "\" )");
    }
}
