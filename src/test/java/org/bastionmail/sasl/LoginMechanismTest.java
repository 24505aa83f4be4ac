package org.bastionmail.sasl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LoginMechanismTest {
    private final MapAuthenticator auth = new MapAuthenticator().withUser("alice@example.test", "s3cret");

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void asksForUsernameThenPassword() {
        SaslMechanism m = SaslMechanisms.create("login", auth).orElseThrow();
        assertThat(m.start(Optional.empty())).isInstanceOfSatisfying(SaslStep.Challenge.class,
                c -> assertThat(c.data()).isEqualTo(bytes("Username:")));
        assertThat(m.next(bytes("alice@example.test"))).isInstanceOfSatisfying(SaslStep.Challenge.class,
                c -> assertThat(c.data()).isEqualTo(bytes("Password:")));
        assertThat(m.next(bytes("s3cret"))).isInstanceOfSatisfying(SaslStep.Success.class,
                s -> assertThat(s.account()).isEqualTo("alice@example.test"));
        assertThat(m.next(bytes("again"))).isInstanceOf(SaslStep.Malformed.class);
    }

    @Test
    void initialResponseIsTheUsername() {
        SaslMechanism m = SaslMechanisms.create("LOGIN", auth).orElseThrow();
        assertThat(m.start(Optional.of(bytes("alice@example.test")))).isInstanceOfSatisfying(SaslStep.Challenge.class,
                c -> assertThat(c.data()).isEqualTo(bytes("Password:")));
        assertThat(m.next(bytes("wrong"))).isInstanceOf(SaslStep.Failure.class);
    }

    @Test
    void unknownUserFails() {
        SaslMechanism m = SaslMechanisms.create("LOGIN", auth).orElseThrow();
        m.start(Optional.of(bytes("nobody@example.test")));
        assertThat(m.next(bytes("s3cret"))).isInstanceOf(SaslStep.Failure.class);
    }

    @Test
    void refusesEmptyOversizedAndBadUtf8() {
        SaslMechanism empty = SaslMechanisms.create("LOGIN", auth).orElseThrow();
        empty.start(Optional.empty());
        assertThat(empty.next(new byte[0])).isInstanceOf(SaslStep.Malformed.class);

        SaslMechanism emptyPassword = SaslMechanisms.create("LOGIN", auth).orElseThrow();
        emptyPassword.start(Optional.of(bytes("alice@example.test")));
        assertThat(emptyPassword.next(new byte[0])).isInstanceOf(SaslStep.Malformed.class);

        SaslMechanism longName = SaslMechanisms.create("LOGIN", auth).orElseThrow();
        assertThat(longName.start(Optional.of(bytes("a".repeat(256))))).isInstanceOf(SaslStep.Malformed.class);

        SaslMechanism badUtf8 = SaslMechanisms.create("LOGIN", auth).orElseThrow();
        badUtf8.start(Optional.of(bytes("alice@example.test")));
        assertThat(badUtf8.next(new byte[] {'s', (byte) 0xfe})).isInstanceOf(SaslStep.Malformed.class);

        SaslMechanism nul = SaslMechanisms.create("LOGIN", auth).orElseThrow();
        assertThat(nul.start(Optional.of(new byte[] {'a', 0}))).isInstanceOf(SaslStep.Malformed.class);
        assertThat(auth.lookups).isEmpty();
    }
}
