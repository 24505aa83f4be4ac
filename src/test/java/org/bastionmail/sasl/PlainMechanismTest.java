package org.bastionmail.sasl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlainMechanismTest {
    private final MapAuthenticator auth = new MapAuthenticator().withUser("alice@example.test", "s3cret pw");

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private SaslStep plain(byte[] message) {
        return SaslMechanisms.create("plain", auth).orElseThrow().start(Optional.of(message));
    }

    @Test
    void acceptsRightPasswordWithoutAuthzid() {
        assertThat(plain(bytes("\0alice@example.test\0s3cret pw")))
                .isInstanceOfSatisfying(SaslStep.Success.class, s -> {
                    assertThat(s.account()).isEqualTo("alice@example.test");
                    assertThat(s.additionalData()).isEmpty();
                });
    }

    @Test
    void acceptsAuthzidEqualToAuthcid() {
        assertThat(plain(bytes("Alice@Example.test\0alice@example.test\0s3cret pw"))).isInstanceOf(SaslStep.Success.class);
    }

    @Test
    void emptyChallengeThenResponse() {
        SaslMechanism m = SaslMechanisms.create("PLAIN", auth).orElseThrow();
        assertThat(m.start(Optional.empty())).isInstanceOfSatisfying(SaslStep.Challenge.class,
                c -> assertThat(c.data()).isEmpty());
        assertThat(m.next(bytes("\0alice@example.test\0s3cret pw"))).isInstanceOf(SaslStep.Success.class);
        assertThat(m.next(bytes("\0alice@example.test\0s3cret pw"))).isInstanceOf(SaslStep.Malformed.class);
    }

    @Test
    void refusesWrongPasswordAndUnknownUser() {
        assertThat(plain(bytes("\0alice@example.test\0wrong"))).isInstanceOf(SaslStep.Failure.class);
        assertThat(plain(bytes("\0bob@example.test\0s3cret pw"))).isInstanceOf(SaslStep.Failure.class);
    }

    @Test
    void refusesAuthzidOfSomeoneElseWithoutCheckingThePassword() {
        assertThat(plain(bytes("bob@example.test\0alice@example.test\0s3cret pw"))).isInstanceOf(SaslStep.Failure.class);
        assertThat(auth.lookups).isEmpty();
    }

    @Test
    void refusesMissingOrExtraNuls() {
        assertThat(plain(bytes("alice@example.test\0s3cret pw"))).isInstanceOf(SaslStep.Malformed.class);
        assertThat(plain(bytes("alice@example.test s3cret pw"))).isInstanceOf(SaslStep.Malformed.class);
        assertThat(plain(bytes("\0alice@example.test\0s3cret\0pw"))).isInstanceOf(SaslStep.Malformed.class);
        assertThat(plain(new byte[0])).isInstanceOf(SaslStep.Malformed.class);
    }

    @Test
    void refusesEmptyFields() {
        assertThat(plain(bytes("\0alice@example.test\0"))).isInstanceOf(SaslStep.Malformed.class);
        assertThat(plain(bytes("\0\0s3cret pw"))).isInstanceOf(SaslStep.Malformed.class);
        assertThat(auth.lookups).isEmpty();
    }

    @Test
    void refusesBadUtf8() {
        byte[] badUser = {0, 'a', (byte) 0xc3, 0, 'p', 'w'};
        byte[] badPassword = {0, 'a', 0, 'p', (byte) 0xff};
        byte[] overlong = {(byte) 0xc0, (byte) 0xaf, 0, 'a', 0, 'p'};
        assertThat(plain(badUser)).isInstanceOf(SaslStep.Malformed.class);
        assertThat(plain(badPassword)).isInstanceOf(SaslStep.Malformed.class);
        assertThat(plain(overlong)).isInstanceOf(SaslStep.Malformed.class);
    }

    @Test
    void refusesOversizedFields() {
        String longName = "a".repeat(256);
        assertThat(plain(bytes("\0" + longName + "\0pw"))).isInstanceOf(SaslStep.Malformed.class);
        assertThat(plain(bytes(longName + "\0a\0pw"))).isInstanceOf(SaslStep.Malformed.class);
        assertThat(plain(bytes("\0a\0" + "p".repeat(1025)))).isInstanceOf(SaslStep.Malformed.class);
        assertThat(plain(new byte[100_000])).isInstanceOf(SaslStep.Malformed.class);
        assertThat(auth.lookups).isEmpty();
    }
}
