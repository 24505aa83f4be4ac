package org.bastionmail.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import org.bastionmail.dns.testserver.StaticResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Hostile and edge cases: every signature here is made by hand, so each tag can be set as a test needs. */
class DkimVerifierTest {
    static final Clock CLOCK = DkimSignerTest.CLOCK;
    static final DkimSigningKey ED = DkimSignerTest.ED;
    static final String BODY = "Hello,\n\nthe signed part.\n";
    static final String HEADER = "From: a@example.org\nTo: b@example.net\nSubject: hi\n";

    /** Signs the message with the given tags (everything but b=), relaxed/relaxed unless c= says otherwise. */
    static byte[] handSigned(PrivateKey key, String algorithm, String tags, byte[] message) throws Exception {
        String unsigned = "DKIM-Signature: " + tags + "; b=";
        HeaderSection header = HeaderSection.parse(message, 1000, 1 << 20);
        DkimSignature parsedTags = DkimSignature.parse(tags + "; b=AAAA");
        byte[] input = SigningInput.of(header.fields(), parsedTags.signedHeaders(),
                parsedTags.headerCanonicalization(), new HeaderField("DKIM-Signature", unsigned + "\r\n"));
        Signature s;
        if (algorithm.equals("ed25519")) {
            s = Signature.getInstance("Ed25519");
            input = MessageDigest.getInstance("SHA-256").digest(input);
        } else {
            s = Signature.getInstance(algorithm.equals("rsa-sha1") ? "SHA1withRSA" : "SHA256withRSA");
        }
        s.initSign(key);
        s.update(input);
        String field = unsigned + Base64.getEncoder().encodeToString(s.sign()) + "\r\n";
        return (field + new String(message, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1);
    }

    static String bodyHash(String lfBody, Canonicalization c, long limit) {
        BodyHasher h = new BodyHasher(c, limit);
        byte[] body = DkimSignerTest.msg(lfBody);
        h.update(body, 0, body.length);
        return Base64.getEncoder().encodeToString(h.finish());
    }

    static String edTags(String extra) {
        return "v=1; a=ed25519-sha256; c=relaxed/relaxed; d=example.org; s=ed1; h=from:to:subject; bh="
                + bodyHash(BODY, Canonicalization.RELAXED, -1) + extra;
    }

    static DkimResult verifyOne(StaticResolver dns, byte[] message) {
        List<DkimResult> results = new DkimVerifier(dns, CLOCK).verify(message);
        assertThat(results).hasSize(1);
        return results.getFirst();
    }

    static byte[] message() {
        return DkimSignerTest.msg(HEADER + "\n" + BODY);
    }

    @Test
    void handSignedBaselinePasses() throws Exception {
        byte[] m = handSigned(ED.privateKey(), "ed25519", edTags(""), message());
        assertThat(verifyOne(DkimSignerTest.dns(), m).verdict()).isEqualTo(DkimVerdict.PASS);
    }

    @Test
    void tamperedBodyOrHeaderFails() throws Exception {
        String m = new String(handSigned(ED.privateKey(), "ed25519", edTags(""), message()), StandardCharsets.ISO_8859_1);
        DkimResult body = verifyOne(DkimSignerTest.dns(), m.replace("signed part", "signed parts").getBytes(StandardCharsets.ISO_8859_1));
        DkimResult header = verifyOne(DkimSignerTest.dns(), m.replace("Subject: hi", "Subject: ho").getBytes(StandardCharsets.ISO_8859_1));

        assertThat(body.verdict()).isEqualTo(DkimVerdict.FAIL);
        assertThat(body.reason()).contains("body hash did not verify");
        assertThat(header.verdict()).isEqualTo(DkimVerdict.FAIL);
        assertThat(header.reason()).contains("signature did not verify");
    }

    @Test
    void bodyLengthLimitIsMarkedWhenContentWasAppended() throws Exception {
        long signedLength = DkimSignerTest.msg(BODY).length;
        String tags = "v=1; a=ed25519-sha256; c=relaxed/relaxed; d=example.org; s=ed1; h=from:to:subject; l="
                + signedLength + "; bh=" + bodyHash(BODY, Canonicalization.RELAXED, signedLength);
        byte[] exact = handSigned(ED.privateKey(), "ed25519", tags, message());
        byte[] appended = DkimSignerTest.concat(exact, DkimSignerTest.msg("Click here: http://bad.example/\n"));

        DkimResult untouched = verifyOne(DkimSignerTest.dns(), exact);
        DkimResult extended = verifyOne(DkimSignerTest.dns(), appended);

        assertThat(untouched.verdict()).isEqualTo(DkimVerdict.PASS);
        assertThat(untouched.bodyLengthLimited()).isFalse();
        assertThat(extended.verdict()).isEqualTo(DkimVerdict.PASS);
        assertThat(extended.bodyLengthLimited()).isTrue();
    }

    @Test
    void bodyLengthBeyondTheBodyFails() throws Exception {
        String tags = edTags("").replace("h=from", "l=999999; h=from");
        DkimResult r = verifyOne(DkimSignerTest.dns(), handSigned(ED.privateKey(), "ed25519", tags, message()));
        assertThat(r.verdict()).isEqualTo(DkimVerdict.FAIL);
        assertThat(r.reason()).get().asString().contains("longer than the body");
    }

    @Test
    void futureTimestampAndExpiryAreRefused() throws Exception {
        long now = CLOCK.instant().getEpochSecond();
        DkimResult expired = verifyOne(DkimSignerTest.dns(),
                handSigned(ED.privateKey(), "ed25519", edTags("; t=" + (now - 100) + "; x=" + (now - 1)), message()));
        DkimResult future = verifyOne(DkimSignerTest.dns(),
                handSigned(ED.privateKey(), "ed25519", edTags("; t=" + (now + 3 * 86400)), message()));
        DkimResult backwards = verifyOne(DkimSignerTest.dns(),
                withField("DKIM-Signature: " + edTags("; t=" + (now - 100) + "; x=" + (now - 200)) + "; b=AAAA"));

        assertThat(List.of(expired, future, backwards)).allSatisfy(r -> assertThat(r.verdict()).isEqualTo(DkimVerdict.PERMERROR));
        assertThat(expired.reason()).get().asString().contains("expired");
        assertThat(future.reason()).get().asString().contains("future");
    }

    @Test
    void revokedKeyMissingKeyAndDnsFailure() throws Exception {
        byte[] m = handSigned(ED.privateKey(), "ed25519", edTags(""), message());
        DkimResult revoked = verifyOne(new StaticResolver().txt(ED.dnsRecordName(), "v=DKIM1; k=ed25519; p="), m);
        DkimResult missing = verifyOne(new StaticResolver(), m);
        DkimResult failed = verifyOne(new StaticResolver().failing(ED.dnsRecordName()), m);

        assertThat(revoked.verdict()).isEqualTo(DkimVerdict.PERMERROR);
        assertThat(revoked.reason()).get().asString().contains("revoked");
        assertThat(missing.verdict()).isEqualTo(DkimVerdict.PERMERROR);
        assertThat(missing.reason()).get().asString().contains("no key");
        assertThat(failed.verdict()).isEqualTo(DkimVerdict.TEMPERROR);
    }

    @ParameterizedTest
    @ValueSource(ints = {512, 768})
    void shortRsaKeysAreRejected(int bits) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(bits);
        KeyPair pair = g.generateKeyPair();
        String tags = edTags("").replace("a=ed25519-sha256", "a=rsa-sha256").replace("s=ed1", "s=short");
        byte[] m = handSigned(pair.getPrivate(), "rsa", tags, message());
        StaticResolver dns = new StaticResolver().txt("short._domainkey.example.org",
                "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()));

        DkimResult r = verifyOne(dns, m);

        assertThat(r.verdict()).isEqualTo(DkimVerdict.PERMERROR);
        assertThat(r.reason()).get().asString().contains("too short");
    }

    @Test
    void rsaSha1IsRefusedAsWeak() throws Exception {
        String tags = edTags("").replace("a=ed25519-sha256", "a=rsa-sha1").replace("s=ed1", "s=rsa1");
        DkimResult r = verifyOne(DkimSignerTest.dns(), handSigned(DkimSignerTest.RSA.privateKey(), "rsa-sha1", tags, message()));
        assertThat(r.verdict()).isEqualTo(DkimVerdict.PERMERROR);
        assertThat(r.reason()).get().asString().contains("rsa-sha1");
    }

    @Test
    void keyRecordRulesAreApplied() throws Exception {
        byte[] m = handSigned(ED.privateKey(), "ed25519", edTags("; i=user@mail.example.org"), message());
        String p = ED.dnsRecord().substring(ED.dnsRecord().indexOf("p="));

        assertThat(verifyOne(new StaticResolver().txt(ED.dnsRecordName(), "v=DKIM1; k=ed25519; " + p), m).verdict())
                .isEqualTo(DkimVerdict.PASS);
        // t=s: i= must be in exactly d=, not a subdomain
        assertThat(verifyOne(new StaticResolver().txt(ED.dnsRecordName(), "v=DKIM1; k=ed25519; t=s; " + p), m).verdict())
                .isEqualTo(DkimVerdict.PERMERROR);
        DkimResult testing = verifyOne(new StaticResolver().txt(ED.dnsRecordName(), "v=DKIM1; k=ed25519; t=y; " + p), m);
        assertThat(testing.verdict()).isEqualTo(DkimVerdict.PASS);
        assertThat(testing.testing()).isTrue();
        for (String bad : List.of("v=DKIM1; k=rsa; " + p, "v=DKIM1; k=ed25519; h=sha1; " + p,
                "v=DKIM1; k=ed25519; s=other; " + p, "k=ed25519; v=DKIM1; " + p, "v=DKIM2; k=ed25519; " + p,
                "v=DKIM1; k=ed25519; p=!!notbase64", "v=DKIM1; k=ed25519; p=AAAA", "v=DKIM1; k=ed25519")) {
            assertThat(verifyOne(new StaticResolver().txt(ED.dnsRecordName(), bad), m).verdict()).as(bad)
                    .isEqualTo(DkimVerdict.PERMERROR);
        }
        // several records: the first usable one counts
        assertThat(verifyOne(new StaticResolver().txt(ED.dnsRecordName(), "garbage", ED.dnsRecord()), m).verdict())
                .isEqualTo(DkimVerdict.PASS);
    }

    @Test
    void identityOutsideTheSigningDomainIsRefused() throws Exception {
        byte[] m = handSignedIgnoringParse("; i=user@evil.example");
        assertThat(verifyOne(DkimSignerTest.dns(), m).reason()).get().asString().contains("not within d=");
        byte[] suffixTrick = handSignedIgnoringParse("; i=user@notexample.org");
        assertThat(verifyOne(DkimSignerTest.dns(), suffixTrick).verdict()).isEqualTo(DkimVerdict.PERMERROR);
    }

    /** A signature field whose b= is junk: for tags the verifier must refuse before any cryptography. */
    private static byte[] handSignedIgnoringParse(String extra) {
        return withField("DKIM-Signature: " + edTags(extra) + "; b=AAAA");
    }

    private static byte[] withField(String field) {
        return DkimSignerTest.concat((field + "\r\n").getBytes(StandardCharsets.ISO_8859_1), message());
    }

    @Test
    void hostileTagListsArePermErrors() {
        String good = edTags("") + "; b=AAAA";
        List<String> hostile = List.of(
                good + "; d=example.org",                        // duplicate tag
                good.replace("b=AAAA", "b=AA*A"),                // bad base64
                good.replace("bh=", "bh=%%"),                    // bad base64 in bh=
                good.replace("; s=ed1", ""),                     // missing s=
                good.replace("; d=example.org", ""),             // missing d=
                good.replace("v=1; ", ""),                       // missing v=
                good.replace("v=1", "v=2"),                      // unknown version
                good.replace("h=from:to:subject", "h=to:subject"), // From not signed
                good.replace("h=from:to:subject", "h=from::to"),   // empty name
                good.replace("c=relaxed/relaxed", "c=relaxed/fancy"),
                good.replace("a=ed25519-sha256", "a=rsa-md5"),
                good + "; l=-5",
                good + "; t=12345678901234567890",
                good + "; q=dns/other",
                good + "; 1x=y",
                good + "; noequals",
                good + "; z=" + "A".repeat(TagList.MAX_VALUE + 1),
                good.replace("d=example.org", "d=exa mple.org"),
                good.replace("d=example.org", "d=../../etc"));
        for (String field : hostile) {
            DkimResult r = verifyOne(DkimSignerTest.dns(), withField("DKIM-Signature: " + field));
            assertThat(r.verdict()).as(field.length() > 200 ? field.substring(0, 200) : field)
                    .isEqualTo(DkimVerdict.PERMERROR);
        }
    }

    @Test
    void brokenSignatureReportsWhatCanBeRead() {
        DkimResult r = verifyOne(DkimSignerTest.dns(), withField("DKIM-Signature: " + edTags("") + "; b=AAAA; d=x.org"));
        assertThat(r.reason()).get().asString().contains("duplicate tag d=");
        assertThat(r.domain()).isEmpty();
        DkimResult missing = verifyOne(DkimSignerTest.dns(), withField("DKIM-Signature: v=1; d=Example.ORG; s=sel"));
        assertThat(missing.domain()).isEqualTo("example.org");
        assertThat(missing.selector()).isEqualTo("sel");
        assertThat(missing.reason()).get().asString().contains("missing required tag");
    }

    @Test
    void everySignatureGetsItsOwnResultAndNoneWhenUnsigned() throws Exception {
        byte[] one = handSigned(ED.privateKey(), "ed25519", edTags(""), message());
        String second = "DKIM-Signature: " + edTags("").replace("s=ed1", "s=gone") + "; b=AAAA\r\n";
        byte[] both = DkimSignerTest.concat(second.getBytes(StandardCharsets.ISO_8859_1), one);

        assertThat(new DkimVerifier(DkimSignerTest.dns(), CLOCK).verify(both)).extracting(DkimResult::verdict)
                .containsExactly(DkimVerdict.PERMERROR, DkimVerdict.PASS);
        assertThat(new DkimVerifier(DkimSignerTest.dns(), CLOCK).verify(message())).extracting(DkimResult::verdict)
                .containsExactly(DkimVerdict.NONE);
    }

    @Test
    void signaturesBeyondTheLimitAreNotEvaluated() throws Exception {
        byte[] m = handSigned(ED.privateKey(), "ed25519", edTags(""), message());
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            many.append("DKIM-Signature: ").append(edTags("").replace("s=ed1", "s=s" + i)).append("; b=AAAA\r\n");
        }
        StaticResolver dns = DkimSignerTest.dns();
        List<DkimResult> results = new DkimVerifier(dns, CLOCK)
                .verify(DkimSignerTest.concat(many.toString().getBytes(StandardCharsets.US_ASCII), m));

        assertThat(results).hasSize(31);
        assertThat(results.subList(10, 31)).allSatisfy(r -> assertThat(r.verdict()).isEqualTo(DkimVerdict.NEUTRAL));
        assertThat(dns.asked()).hasSize(10);
    }

    @Test
    void hugeHeaderSectionsAreBounded() {
        String big = "X-Filler: " + "a".repeat(200) + "\r\n";
        byte[] manyFields = (big.repeat(2000) + "From: a@example.org\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] oneHugeField = ("Subject: " + "b".repeat(2 << 20) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] noColon = "From a@example.org\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

        for (byte[] m : List.of(manyFields, oneHugeField, noColon)) {
            assertThat(new DkimVerifier(new StaticResolver(), CLOCK).verify(m)).singleElement()
                    .satisfies(r -> assertThat(r.verdict()).isEqualTo(DkimVerdict.PERMERROR));
        }
        DkimVerifier.Limits tight = new DkimVerifier.Limits(5, 1 << 20, 10, 0);
        assertThat(new DkimVerifier(new StaticResolver(), CLOCK, tight).verify(message())).extracting(DkimResult::verdict)
                .containsExactly(DkimVerdict.NONE);
    }
}
