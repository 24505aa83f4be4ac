package org.bastionmail.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.bastionmail.dns.testserver.StaticResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DkimSignerTest {
    static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_800_000_000L), ZoneOffset.UTC);
    static final DkimSigningKey ED = DkimKeys.generate("example.org", "ed1", DkimAlgorithm.ED25519_SHA256);
    static final DkimSigningKey RSA = DkimKeys.generate("example.org", "rsa1", DkimAlgorithm.RSA_SHA256);

    static final String MESSAGE = """
            From: Alice <alice@example.org>
            To: Bob <bob@example.net>
            Subject:   Lunch\t  tomorrow?\s\s
            Date: Tue, 1 Dec 2026 10:00:00 +0000
            Message-ID: <1@example.org>
            X-Unsigned: anything

            Hi Bob,
            \t  shall we meet at noon?\s

            Alice


            """;

    static byte[] msg(String lf) {
        return DkimTestVectorsTest.crlf(lf);
    }

    static byte[] signed(DkimSigner signer, byte[] message) {
        byte[] field = signer.sign(message).getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[field.length + message.length];
        System.arraycopy(field, 0, out, 0, field.length);
        System.arraycopy(message, 0, out, field.length, message.length);
        return out;
    }

    static StaticResolver dns() {
        return new StaticResolver().txt(ED.dnsRecordName(), ED.dnsRecord()).txt(RSA.dnsRecordName(), RSA.dnsRecord());
    }

    static List<DkimResult> verify(byte[] message) {
        return new DkimVerifier(dns(), CLOCK).verify(message);
    }

    @ParameterizedTest
    @CsvSource({
        "ED25519_SHA256, RELAXED, RELAXED", "ED25519_SHA256, SIMPLE, SIMPLE", "ED25519_SHA256, RELAXED, SIMPLE",
        "RSA_SHA256, RELAXED, RELAXED", "RSA_SHA256, SIMPLE, SIMPLE", "RSA_SHA256, SIMPLE, RELAXED"})
    void signedMessagesVerify(DkimAlgorithm algorithm, Canonicalization header, Canonicalization body) {
        DkimSigningKey key = algorithm == DkimAlgorithm.ED25519_SHA256 ? ED : RSA;
        DkimSigner signer = new DkimSigner(key, CLOCK, DkimSigner.Options.DEFAULT.withCanonicalization(header, body));

        List<DkimResult> results = verify(signed(signer, msg(MESSAGE)));

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.verdict()).as(r.toString()).isEqualTo(DkimVerdict.PASS);
            assertThat(r.domain()).isEqualTo("example.org");
            assertThat(r.algorithm()).isEqualTo(algorithm.tag());
            assertThat(r.bodyLengthLimited()).isFalse();
        });
    }

    @Test
    void theSignatureFieldIsFoldedAndOverSignsFromToSubject() {
        String field = new DkimSigner(ED, CLOCK).sign(msg(MESSAGE));

        assertThat(field).startsWith("DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=example.org;\r\n s=ed1;")
                .endsWith("\r\n");
        assertThat(field.split("\r\n")).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(78));
        String h = TagList.withoutFws(field.substring(field.indexOf("h="), field.indexOf(';', field.indexOf("h="))));
        assertThat(h).isEqualTo("h=from:from:to:to:subject:subject:date:message-id");
        assertThat(field).contains("t=1800000000;").doesNotContain("x=");
    }

    @Test
    void relaxedSignatureSurvivesWhitespaceChangesButSimpleDoesNot() {
        byte[] relaxed = signed(new DkimSigner(ED, CLOCK), msg(MESSAGE));
        byte[] simple = signed(new DkimSigner(ED, CLOCK, DkimSigner.Options.DEFAULT
                .withCanonicalization(Canonicalization.SIMPLE, Canonicalization.SIMPLE)), msg(MESSAGE));

        assertThat(verify(respace(relaxed))).extracting(DkimResult::verdict).containsExactly(DkimVerdict.PASS);
        assertThat(verify(respace(simple))).extracting(DkimResult::verdict).containsExactly(DkimVerdict.FAIL);
    }

    private static byte[] respace(byte[] message) {
        String s = new String(message, StandardCharsets.ISO_8859_1);
        return s.replace("Subject:   Lunch", "subject: Lunch").replace("meet at", "meet    at")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void addingAnOverSignedFieldBreaksTheSignature() {
        byte[] signed = signed(new DkimSigner(RSA, CLOCK), msg(MESSAGE));
        String s = new String(signed, StandardCharsets.ISO_8859_1);
        // a second Subject added below the signed one would be what a reader sees
        byte[] injected = s.replace("X-Unsigned: anything\r\n", "X-Unsigned: anything\r\nSubject: Pay now\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] unsignedAdded = s.replace("X-Unsigned: anything\r\n", "X-Unsigned: anything\r\nX-Other: fine\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);

        assertThat(verify(injected)).extracting(DkimResult::verdict).containsExactly(DkimVerdict.FAIL);
        assertThat(verify(unsignedAdded)).extracting(DkimResult::verdict).containsExactly(DkimVerdict.PASS);
    }

    @Test
    void validityWritesAnExpiryThatTheVerifierEnforces() {
        DkimSigner signer = new DkimSigner(ED, CLOCK, DkimSigner.Options.DEFAULT.withValidity(Duration.ofDays(7)));
        byte[] signed = signed(signer, msg(MESSAGE));

        assertThat(new String(signed, StandardCharsets.US_ASCII)).contains("x=" + (1_800_000_000L + 7 * 86400));
        Clock later = Clock.offset(CLOCK, Duration.ofDays(8));
        assertThat(new DkimVerifier(dns(), later).verify(signed)).singleElement().satisfies(r -> {
            assertThat(r.verdict()).isEqualTo(DkimVerdict.PERMERROR);
            assertThat(r.reason()).get().asString().contains("expired");
        });
        assertThat(new DkimVerifier(dns(), Clock.offset(CLOCK, Duration.ofDays(6))).verify(signed))
                .extracting(DkimResult::verdict).containsExactly(DkimVerdict.PASS);
    }

    @Test
    void emptyBodySignsAndVerifies() {
        byte[] message = msg("From: a@example.org\nSubject: x\n\n");
        assertThat(verify(signed(new DkimSigner(ED, CLOCK), message))).extracting(DkimResult::verdict)
                .containsExactly(DkimVerdict.PASS);
        byte[] noBody = msg("From: a@example.org\nSubject: x\n");
        assertThat(verify(signed(new DkimSigner(RSA, CLOCK, DkimSigner.Options.DEFAULT
                .withCanonicalization(Canonicalization.SIMPLE, Canonicalization.SIMPLE)), noBody)))
                .extracting(DkimResult::verdict).containsExactly(DkimVerdict.PASS);
    }

    @Test
    void aMessageWithoutFromIsNotSigned() {
        assertThatThrownBy(() -> new DkimSigner(ED, CLOCK).sign(msg("To: b@example.net\n\nhi\n")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("From");
    }

    @Test
    void rfc8463KeySignsTheSampleMessageAndThePublishedRecordVerifiesIt() throws Exception {
        // RFC 8463 A.1 / RFC 8032 7.1 test 1: the seed, wrapped as PKCS#8 (RFC 8410 7)
        byte[] seed = Base64.getDecoder().decode(
                Files.readString(DkimTestVectorsTest.DATA.resolve("dkimpy/rfc8032_7_1.key")).strip());
        byte[] pkcs8 = concat(HexFormat.of().parseHex("302e020100300506032b657004220420"), seed);
        var privateKey = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        var publicKey = KeyRecord.ed25519PublicKey(Base64.getDecoder().decode("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="));
        DkimSigningKey key = new DkimSigningKey("football.example.com", "brisbane", DkimAlgorithm.ED25519_SHA256,
                privateKey, publicKey);
        byte[] message = DkimTestVectorsTest.crlf(Files.readString(DkimTestVectorsTest.DATA.resolve("dkimpy/rfc6376.msg")));

        byte[] signed = signed(new DkimSigner(key, CLOCK), message);

        assertThat(key.dnsRecord()).isEqualTo("v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
        assertThat(new DkimVerifier(DkimTestVectorsTest.dkimpyDns(), CLOCK).verify(signed))
                .extracting(DkimResult::verdict).containsExactly(DkimVerdict.PASS);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void signingKeyNeverPrintsItsPrivateHalf() throws IOException {
        assertThat(ED.toString()).isEqualTo("DkimSigningKey[ed25519-sha256 ed1._domainkey.example.org]");
    }
}
