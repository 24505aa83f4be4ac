package org.bastionmail.sasl;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * The LOGIN mechanism (draft-murchison-sasl-login-00): the server asks "Username:" then "Password:".
 * Obsolete, but still the only one some clients speak; offered only over TLS like PLAIN.
 */
final class LoginMechanism implements SaslMechanism {
    static final byte[] USERNAME = "Username:".getBytes(StandardCharsets.US_ASCII);
    static final byte[] PASSWORD = "Password:".getBytes(StandardCharsets.US_ASCII);

    private enum State { NEW, WANT_USERNAME, WANT_PASSWORD, DONE }

    private final Authenticator authenticator;
    private State state = State.NEW;
    private String username = "";

    LoginMechanism(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public String name() {
        return "LOGIN";
    }

    @Override
    public SaslStep start(Optional<byte[]> initialResponse) {
        if (state != State.NEW) {
            return new SaslStep.Malformed("exchange already started");
        }
        state = State.WANT_USERNAME;
        // Many clients send the user name as initial response ("AUTH LOGIN dXNlcg==").
        return initialResponse.isPresent() ? next(initialResponse.get()) : new SaslStep.Challenge(USERNAME.clone());
    }

    @Override
    public SaslStep next(byte[] response) {
        return switch (state) {
            case WANT_USERNAME -> username(response);
            case WANT_PASSWORD -> password(response);
            case NEW, DONE -> new SaslStep.Malformed("no response expected");
        };
    }

    private SaslStep username(byte[] response) {
        if (response.length == 0 || response.length > PlainMechanism.MAX_IDENTITY) {
            state = State.DONE;
            return new SaslStep.Malformed("user name empty or too long");
        }
        Optional<String> name = SaslText.utf8(response);
        if (name.isEmpty()) {
            state = State.DONE;
            return new SaslStep.Malformed("user name is not valid UTF-8");
        }
        username = name.get();
        state = State.WANT_PASSWORD;
        return new SaslStep.Challenge(PASSWORD.clone());
    }

    private SaslStep password(byte[] response) {
        state = State.DONE;
        if (response.length == 0 || response.length > PlainMechanism.MAX_PASSWORD) {
            return new SaslStep.Malformed("password empty or too long");
        }
        if (!SaslText.isUtf8(response, 0, response.length) || containsNul(response)) {
            return new SaslStep.Malformed("password is not valid UTF-8");
        }
        byte[] password = response.clone();
        try {
            return authenticator.verifyPassword(username, password)
                    .<SaslStep>map(account -> new SaslStep.Success(account, new byte[0]))
                    .orElseGet(() -> new SaslStep.Failure("invalid credentials"));
        } finally {
            Arrays.fill(password, (byte) 0);
        }
    }

    private static boolean containsNul(byte[] bytes) {
        for (byte b : bytes) {
            if (b == 0) {
                return true;
            }
        }
        return false;
    }
}
