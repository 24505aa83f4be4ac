package org.bastionmail.sasl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScramSha256MechanismTest {
    // RFC 7677 3
    private static final String CLIENT_FIRST = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
    private static final String SERVER_NONCE = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    private static final String SERVER_FIRST =
            "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    private static final String CLIENT_FINAL = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
            + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    private static final String SERVER_FINAL = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    private static final byte[] SECRET = bytes("test secret");

    private final MapAuthenticator auth = new MapAuthenticator().withScram(ScramKeys.derive("user",
            "pencil".toCharArray(), Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096));

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(SaslStep step) {
        assertThat(step).isInstanceOf(SaslStep.Challenge.class);
        return new String(((SaslStep.Challenge) step).data(), StandardCharsets.UTF_8);
    }

    private SaslMechanism rfcMechanism() {
        return new ScramSha256Mechanism(auth, SECRET, () -> SERVER_NONCE);
    }

    @Test
    void rfc7677Example() {
        SaslMechanism m = rfcMechanism();
        assertThat(text(m.start(Optional.of(bytes(CLIENT_FIRST))))).isEqualTo(SERVER_FIRST);
        assertThat(m.next(bytes(CLIENT_FINAL))).isInstanceOfSatisfying(SaslStep.Success.class, s -> {
            assertThat(s.account()).isEqualTo("user");
            assertThat(new String(s.additionalData(), StandardCharsets.UTF_8)).isEqualTo(SERVER_FINAL);
        });
        assertThat(m.next(bytes(CLIENT_FINAL))).isInstanceOf(SaslStep.Malformed.class);
    }

    @Test
    void emptyInitialChallengeWhenClientSendsNothing() {
        SaslMechanism m = rfcMechanism();
        assertThat(text(m.start(Optional.empty()))).isEmpty();
        assertThat(text(m.next(bytes(CLIENT_FIRST)))).isEqualTo(SERVER_FIRST);
        assertThat(m.next(bytes(CLIENT_FINAL))).isInstanceOf(SaslStep.Success.class);
    }

    @Test
    void randomNoncesAndTestClientAgree() {
        MapAuthenticator a = new MapAuthenticator().withUser("alice@example.test", "correct horse");
        ScramTestClient client = new ScramTestClient("alice@example.test", "correct horse", "abcdefgh");
        SaslMechanism m = SaslMechanisms.create("SCRAM-SHA-256", a).orElseThrow();
        SaslStep first = m.start(Optional.of(client.clientFirst()));
        assertThat(text(first)).startsWith("r=abcdefgh").matches("r=abcdefgh[^,]{16,},s=[^,]+,i=10000");
        SaslStep last = m.next(client.clientFinal(((SaslStep.Challenge) first).data()));
        assertThat(last).isInstanceOfSatisfying(SaslStep.Success.class,
                s -> assertThat(s.additionalData()).isEqualTo(client.expectedServerFinal()));
    }

    @Test
    void yFlagIsAcceptedAndMustBeEchoed() {
        MapAuthenticator a = new MapAuthenticator().withUser("alice@example.test", "pw");
        ScramTestClient client = new ScramTestClient("alice@example.test", "pw", "nonce1", "y,,");
        SaslMechanism m = SaslMechanisms.create("SCRAM-SHA-256", a).orElseThrow();
        SaslStep first = m.start(Optional.of(client.clientFirst()));
        assertThat(m.next(client.clientFinal(((SaslStep.Challenge) first).data()))).isInstanceOf(SaslStep.Success.class);
    }

    @Test
    void authzidEqualToUserIsAcceptedOtherwiseRefused() {
        MapAuthenticator a = new MapAuthenticator().withUser("a=b,c@example.test", "pw");
        ScramTestClient client = new ScramTestClient("a=b,c@example.test", "pw", "nonce1",
                "n,a=a=3Db=2Cc@example.test,");
        SaslMechanism m = SaslMechanisms.create("SCRAM-SHA-256", a).orElseThrow();
        SaslStep first = m.start(Optional.of(client.clientFirst()));
        assertThat(m.next(client.clientFinal(((SaslStep.Challenge) first).data()))).isInstanceOfSatisfying(
                SaslStep.Success.class, s -> assertThat(s.account()).isEqualTo("a=b,c@example.test"));

        SaslMechanism other = SaslMechanisms.create("SCRAM-SHA-256", a).orElseThrow();
        assertThat(other.start(Optional.of(bytes("n,a=bob,n=a=3Db=2Cc@example.test,r=x"))))
                .isInstanceOf(SaslStep.Failure.class);
    }

    @Test
    void wrongProofFails() {
        SaslMechanism m = rfcMechanism();
        m.start(Optional.of(bytes(CLIENT_FIRST)));
        String tampered = CLIENT_FINAL.replace("p=dHzb", "p=dHzc");
        assertThat(m.next(bytes(tampered))).isInstanceOf(SaslStep.Failure.class);
    }

    @Test
    void wrongPasswordFails() {
        ScramTestClient client = new ScramTestClient("user", "not pencil", "rOprNGfwEbeRWgbNEkqO");
        SaslMechanism m = rfcMechanism();
        SaslStep first = m.start(Optional.of(client.clientFirst()));
        assertThat(m.next(client.clientFinal(((SaslStep.Challenge) first).data()))).isInstanceOf(SaslStep.Failure.class);
    }

    @Test
    void wrongNonceFails() {
        SaslMechanism m = rfcMechanism();
        m.start(Optional.of(bytes(CLIENT_FIRST)));
        String otherNonce = CLIENT_FINAL.replace("hNlF$k0,", "hNlF$k1,");
        assertThat(m.next(bytes(otherNonce))).isInstanceOf(SaslStep.Failure.class);
    }

    @Test
    void channelBindingDataMustMatchTheHeader() {
        SaslMechanism m = rfcMechanism();
        m.start(Optional.of(bytes(CLIENT_FIRST)));
        String yHeader = CLIENT_FINAL.replace("c=biws", "c=eSws"); // "y,," while the client said "n,,"
        assertThat(m.next(bytes(yHeader))).isInstanceOf(SaslStep.Failure.class);
    }

    @Test
    void channelBindingIsRefused() {
        SaslMechanism m = rfcMechanism();
        assertThat(m.start(Optional.of(bytes("p=tls-exporter,,n=user,r=rOprNGfwEbeRWgbNEkqO"))))
                .isInstanceOf(SaslStep.Failure.class);
        assertThat(auth.lookups).isEmpty();
    }

    @Test
    void unsupportedMandatoryExtensionIsRefused() {
        assertThat(rfcMechanism().start(Optional.of(bytes("n,,m=ext,n=user,r=abc")))).isInstanceOf(SaslStep.Failure.class);
    }

    @Test
    void unknownUserGetsAStableFakeChallengeAndFails() {
        SaslMechanism m1 = new ScramSha256Mechanism(auth, SECRET, () -> SERVER_NONCE);
        SaslMechanism m2 = new ScramSha256Mechanism(auth, SECRET, () -> SERVER_NONCE);
        SaslMechanism m3 = new ScramSha256Mechanism(auth, SECRET, () -> SERVER_NONCE);
        String first1 = text(m1.start(Optional.of(bytes("n,,n=ghost,r=abc"))));
        String first2 = text(m2.start(Optional.of(bytes("n,,n=ghost,r=abc"))));
        String first3 = text(m3.start(Optional.of(bytes("n,,n=phantom,r=abc"))));
        assertThat(first1).isEqualTo(first2).isNotEqualTo(first3)
                .matches("r=abc" + java.util.regex.Pattern.quote(SERVER_NONCE) + ",s=[A-Za-z0-9+/]{22}==,i="
                        + ScramKeys.DEFAULT_ITERATIONS);

        ScramTestClient client = new ScramTestClient("ghost", "anything", "abc");
        client.clientFirst();
        assertThat(m1.next(client.clientFinal(bytes(first1)))).isInstanceOf(SaslStep.Failure.class);
    }

    @Test
    void malformedMessagesAreRefused() {
        String[] bad = {
            "", "n", "n,", "x,,n=user,r=abc", "n,b=user,n=user,r=abc", "n,,r=abc,n=user", "n,,n=,r=abc",
            "n,,n=us=er,r=abc", "n,,n=user=2,r=abc", "n,,n=user,r=", "n,,n=user,r=a b", "n,,n=user",
            "n,,n=user,r=abc,1x", "n,,n=" + "u".repeat(300) + ",r=abc", "n,,n=user,r=" + "x".repeat(300),
            "n,,n=user,r=abc," + "e=".repeat(2000),
        };
        for (String message : bad) {
            assertThat(rfcMechanism().start(Optional.of(bytes(message)))).as(message).isInstanceOf(SaslStep.Malformed.class);
        }
        assertThat(rfcMechanism().start(Optional.of(new byte[] {'n', ',', ',', 'n', '=', (byte) 0xff, ',', 'r', '=', 'a'})))
                .isInstanceOf(SaslStep.Malformed.class);
    }

    @Test
    void malformedFinalMessagesAreRefused() {
        String[] bad = {
            "", "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
            "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,c=biws,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
            "c=b!ws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzb",
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=not base64!",
        };
        for (String message : bad) {
            SaslMechanism m = rfcMechanism();
            m.start(Optional.of(bytes(CLIENT_FIRST)));
            assertThat(m.next(bytes(message))).as(message).isInstanceOf(SaslStep.Malformed.class);
        }
    }

    @Test
    void saslNameDecoding() {
        assertThat(ScramSha256Mechanism.decodeSaslName("a=2Cb=3Dc")).hasValue("a,b=c");
        assertThat(ScramSha256Mechanism.decodeSaslName("a=2")).isEmpty();
        assertThat(ScramSha256Mechanism.decodeSaslName("a=41")).isEmpty();
        assertThat(ScramSha256Mechanism.decodeSaslName("")).isEmpty();
    }

    @Test
    void scramKeysRefuseBadInput() {
        byte[] salt = new byte[16];
        assertThatThrownBy(() -> ScramKeys.derive("a", new char[0], salt, 4096)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ScramKeys.derive("a", "pw".toCharArray(), salt, 1000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ScramKeys.derive("a", "p\u0001w".toCharArray(), salt, 4096))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ScramKeys.derive("a", "\u00ad".toCharArray(), salt, 4096))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void saslPrepMapsSpacesAndNormalises() {
        // RFC 4013 3 examples: SOFT HYPHEN mapped to nothing, U+00AA to "a", U+2168 to "IX".
        assertThat(SaslPrep.prepare("I\u00adX")).isEqualTo("IX");
        assertThat(SaslPrep.prepare("\u00aa")).isEqualTo("a");
        assertThat(SaslPrep.prepare("\u2168")).isEqualTo("IX");
        assertThat(SaslPrep.prepare("a\u00a0b")).isEqualTo("a b");
        assertThatThrownBy(() -> SaslPrep.prepare("\u0007")).isInstanceOf(IllegalArgumentException.class);
    }
}
