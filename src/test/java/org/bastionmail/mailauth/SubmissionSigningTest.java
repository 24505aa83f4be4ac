package org.bastionmail.mailauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.bastionmail.dkim.DkimAlgorithm;
import org.bastionmail.dkim.DkimKeys;
import org.bastionmail.dkim.DkimResult;
import org.bastionmail.dkim.DkimSigningKey;
import org.bastionmail.dkim.DkimVerdict;
import org.bastionmail.dkim.DkimVerifier;
import org.bastionmail.dns.testserver.StaticResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubmissionSigningTest {
    @TempDir
    Path dataDir;

    private static final String MESSAGE = "Received: from client by mx.example.test\r\n"
            + "From: Alice <alice@example.test>\r\nTo: bob@elsewhere.test\r\nSubject: signed\r\n"
            + "Message-ID: <1@example.test>\r\n\r\nHello Bob.\r\n";

    @Test
    void signsWithEveryKeyOfTheFromDomainAndTheSignaturesVerify() throws Exception {
        DkimSigningKey ed = DkimKeys.generate(dataDir, "example.test", "s2026", DkimAlgorithm.ED25519_SHA256);
        DkimSigningKey rsa = DkimKeys.generate(dataDir, "example.test", "s2026", DkimAlgorithm.RSA_SHA256);
        String signatures = new SubmissionSigning(dataDir, Clock.systemUTC()).sign(MESSAGE.getBytes(StandardCharsets.UTF_8));
        assertThat(signatures.split("DKIM-Signature:", -1)).hasSize(3);
        assertThat(signatures.indexOf("a=ed25519-sha256")).isLessThan(signatures.indexOf("a=rsa-sha256"));

        // one selector, two key types: publish each under its own name as a real operator would need to
        StaticResolver dns = new StaticResolver().txt("s2026._domainkey.example.test", ed.dnsRecord());
        List<DkimResult> edResult = new DkimVerifier(dns, Clock.systemUTC())
                .verify((signatures + MESSAGE).getBytes(StandardCharsets.UTF_8));
        assertThat(edResult).anyMatch(r -> r.verdict() == DkimVerdict.PASS && r.algorithm().equals("ed25519-sha256"));
        dns.txt("s2026._domainkey.example.test", rsa.dnsRecord());
        List<DkimResult> rsaResult = new DkimVerifier(dns, Clock.systemUTC())
                .verify((signatures + MESSAGE).getBytes(StandardCharsets.UTF_8));
        assertThat(rsaResult).anyMatch(r -> r.verdict() == DkimVerdict.PASS && r.algorithm().equals("rsa-sha256"));
    }

    @Test
    void aDomainWithoutKeysIsSentUnsigned() throws Exception {
        assertThat(new SubmissionSigning(dataDir, Clock.systemUTC()).sign(MESSAGE.getBytes(StandardCharsets.UTF_8))).isEmpty();
    }

    @Test
    void noSingleFromMeansNoSignature() throws Exception {
        DkimKeys.generate(dataDir, "example.test", "s1", DkimAlgorithm.ED25519_SHA256);
        String twoFroms = "From: alice@example.test, carol@example.test\r\nSubject: x\r\n\r\nbody\r\n";
        assertThat(new SubmissionSigning(dataDir, Clock.systemUTC()).sign(twoFroms.getBytes(StandardCharsets.UTF_8))).isEmpty();
        String evilDomain = "From: alice@../../etc\r\n\r\nbody\r\n";
        assertThat(new SubmissionSigning(dataDir, Clock.systemUTC()).sign(evilDomain.getBytes(StandardCharsets.UTF_8))).isEmpty();
    }
}
