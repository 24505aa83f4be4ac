package org.bastionmail.sasl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SaslMechanismsTest {
    private final MapAuthenticator auth = new MapAuthenticator();

    @Test
    void namesInOrderOfPreference() {
        assertThat(SaslMechanisms.names()).containsExactly("SCRAM-SHA-256", "PLAIN", "LOGIN");
    }

    @Test
    void createsEachNamedMechanismInAnyCase() {
        for (String name : SaslMechanisms.names()) {
            assertThat(SaslMechanisms.create(name.toLowerCase(), auth)).hasValueSatisfying(
                    m -> assertThat(m.name()).isEqualTo(name));
        }
    }

    @Test
    void unknownMechanismIsEmpty() {
        assertThat(SaslMechanisms.create("CRAM-MD5", auth)).isEmpty();
        assertThat(SaslMechanisms.create("SCRAM-SHA-256-PLUS", auth)).isEmpty();
        assertThat(SaslMechanisms.create("", auth)).isEmpty();
    }
}
