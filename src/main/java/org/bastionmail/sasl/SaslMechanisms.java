package org.bastionmail.sasl;

import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The SASL mechanisms the servers offer, by name. */
public final class SaslMechanisms {
    /**
     * The secret behind the fake SCRAM keys of unknown users. Per process: it only has to be
     * unguessable, and a restart changing the fake salts tells an observer nothing about real users.
     */
    private static final byte[] FAKE_SCRAM_SECRET = new byte[32];

    static {
        new SecureRandom().nextBytes(FAKE_SCRAM_SECRET);
    }

    private SaslMechanisms() {}

    /** The mechanism names, most preferred first, as advertised (RFC 4954 3). */
    public static List<String> names() {
        return List.of("SCRAM-SHA-256", "PLAIN", "LOGIN");
    }

    /** A fresh mechanism instance for one exchange, if {@code name} (any case) is one we offer. */
    public static Optional<SaslMechanism> create(String name, Authenticator authenticator) {
        return switch (name.toUpperCase(Locale.ROOT)) {
            case "SCRAM-SHA-256" -> Optional.of(new ScramSha256Mechanism(authenticator, FAKE_SCRAM_SECRET));
            case "PLAIN" -> Optional.of(new PlainMechanism(authenticator));
            case "LOGIN" -> Optional.of(new LoginMechanism(authenticator));
            default -> Optional.empty();
        };
    }
}
