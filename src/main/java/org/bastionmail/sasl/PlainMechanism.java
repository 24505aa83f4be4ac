package org.bastionmail.sasl;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The PLAIN mechanism (RFC 4616): one message, {@code [authzid] NUL authcid NUL passwd}. */
final class PlainMechanism implements SaslMechanism {
    // RFC 4616 2: a server must accept at least 255 octets for each; we accept no more than that for
    // the identities, and a generous but bounded password.
    static final int MAX_IDENTITY = 255;
    static final int MAX_PASSWORD = 1024;
    static final int MAX_MESSAGE = MAX_IDENTITY * 2 + MAX_PASSWORD + 2;

    private final Authenticator authenticator;
    private boolean done;
    private boolean started;

    PlainMechanism(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public String name() {
        return "PLAIN";
    }

    @Override
    public SaslStep start(Optional<byte[]> initialResponse) {
        if (started) {
            return new SaslStep.Malformed("exchange already started");
        }
        started = true;
        // RFC 4616 2: without an initial response the server sends an empty challenge.
        return initialResponse.map(this::finish).orElseGet(() -> new SaslStep.Challenge(new byte[0]));
    }

    @Override
    public SaslStep next(byte[] response) {
        if (!started || done) {
            return new SaslStep.Malformed("no response expected");
        }
        return finish(response);
    }

    private SaslStep finish(byte[] message) {
        done = true;
        if (message.length > MAX_MESSAGE) {
            return new SaslStep.Malformed("message too long");
        }
        int first = indexOfNul(message, 0);
        int second = first < 0 ? -1 : indexOfNul(message, first + 1);
        if (first < 0 || second < 0 || indexOfNul(message, second + 1) >= 0) {
            return new SaslStep.Malformed("expected exactly two NUL separators");
        }
        if (first > MAX_IDENTITY || second - first - 1 > MAX_IDENTITY || message.length - second - 1 > MAX_PASSWORD) {
            return new SaslStep.Malformed("field too long");
        }
        Optional<String> authzid = SaslText.utf8(message, 0, first);
        Optional<String> authcid = SaslText.utf8(message, first + 1, second);
        if (authzid.isEmpty() || authcid.isEmpty() || !SaslText.isUtf8(message, second + 1, message.length)) {
            return new SaslStep.Malformed("invalid UTF-8");
        }
        if (authcid.get().isEmpty()) {
            return new SaslStep.Malformed("empty authentication identity");
        }
        if (second + 1 == message.length) {
            return new SaslStep.Malformed("empty password");
        }
        // We do not let one user act for another: an authzid must name the authcid itself.
        if (!authzid.get().isEmpty()
                && !authzid.get().toLowerCase(Locale.ROOT).equals(authcid.get().toLowerCase(Locale.ROOT))) {
            return new SaslStep.Failure("authorization identity differs from authentication identity");
        }
        byte[] password = Arrays.copyOfRange(message, second + 1, message.length);
        try {
            return authenticator.verifyPassword(authcid.get(), password)
                    .<SaslStep>map(account -> new SaslStep.Success(account, new byte[0]))
                    .orElseGet(() -> new SaslStep.Failure("invalid credentials"));
        } finally {
            Arrays.fill(password, (byte) 0);
        }
    }

    private static int indexOfNul(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        return -1;
    }
}
