package org.bastionmail.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Interop with dkimpy (Debian package python3-dkim) as a separate process: Bastion signs and dkimpy verifies,
 * dkimpy signs and Bastion verifies. Skipped when dkimpy is missing, unless CI is set (then it fails).
 */
class DkimInteropIT {
    static final Path SCRIPT = Path.of("src/test/interop/dkim_interop.py");
    static final Path DATA = DkimTestVectorsTest.DATA.resolve("dkimpy");
    static String python;

    @BeforeAll
    static void needsDkimpy() throws Exception {
        // Debian's interpreter first: dkimpy is installed for it, not for a python3 from elsewhere on PATH
        python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        boolean available;
        try {
            available = run(List.of(python, "-c", "import dkim"), new byte[0]).exit == 0;
        } catch (IOException e) {
            available = false;
        }
        if (!available) {
            if (System.getenv("CI") != null) {
                Assertions.fail("dkimpy is missing: install the Debian package python3-dkim");
            }
            Assumptions.abort("dkimpy (python3-dkim) is not installed");
        }
    }

    @ParameterizedTest
    @CsvSource({"ED25519_SHA256, RELAXED, RELAXED", "ED25519_SHA256, SIMPLE, SIMPLE",
        "RSA_SHA256, RELAXED, RELAXED", "RSA_SHA256, SIMPLE, SIMPLE", "RSA_SHA256, RELAXED, SIMPLE"})
    void dkimpyVerifiesWhatBastionSigns(DkimAlgorithm algorithm, Canonicalization header, Canonicalization body)
            throws Exception {
        DkimSigningKey key = algorithm == DkimAlgorithm.ED25519_SHA256 ? DkimSignerTest.ED : DkimSignerTest.RSA;
        DkimSigner signer = new DkimSigner(key, Clock.systemUTC(), DkimSigner.Options.DEFAULT.withCanonicalization(header, body));
        byte[] signed = DkimSignerTest.signed(signer, DkimSignerTest.msg(DkimSignerTest.MESSAGE));

        Result r = run(List.of(python, SCRIPT.toString(), "verify", key.dnsRecordName(), key.dnsRecord()), signed);

        assertThat(r.exit).as(r.output).isZero();
        assertThat(r.output.strip()).isEqualTo("pass");
    }

    @ParameterizedTest
    @CsvSource({"ed25519-sha256, brisbane, rfc8032_7_1.key, relaxed, relaxed, -",
        "ed25519-sha256, brisbane, rfc8032_7_1.key, simple, simple, l",
        "rsa-sha256, test, test.private, relaxed, simple, -",
        "rsa-sha256, test, test.private, simple, relaxed, l"})
    void bastionVerifiesWhatDkimpySigns(String algorithm, String selector, String keyFile, String header, String body,
            String length) throws Exception {
        byte[] message = DkimTestVectorsTest.crlf(Files.readString(DATA.resolve("rfc6376.msg"), StandardCharsets.ISO_8859_1));
        Result r = run(List.of(python, SCRIPT.toString(), "sign", selector, "football.example.com",
                DATA.resolve(keyFile).toString(), algorithm, header, body, length), message);
        assertThat(r.exit).as(r.output).isZero();
        assertThat(r.output).startsWith("DKIM-Signature:");
        byte[] signed = DkimSignerTest.concat(DkimTestVectorsTest.crlf(r.output), message);

        List<DkimResult> results = new DkimVerifier(DkimTestVectorsTest.dkimpyDns(), Clock.systemUTC()).verify(signed);

        assertThat(results).singleElement().satisfies(res -> {
            assertThat(res.verdict()).as(res.toString()).isEqualTo(DkimVerdict.PASS);
            assertThat(res.algorithm()).isEqualTo(algorithm);
            assertThat(res.bodyLengthLimited()).isFalse();
        });
    }

    record Result(int exit, String output) {}

    static Result run(List<String> command, byte[] stdin) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(stdin);
        }
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + command);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
