package org.bastionmail.smtp;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.bastionmail.sasl.Authenticator;
import org.bastionmail.sasl.SaslMechanism;
import org.bastionmail.sasl.SaslStep;

/** A test-only PLAIN (RFC 4616), standing in for the sasl package's mechanisms. */
final class FakePlain implements SaslMechanism {
    private final Authenticator authenticator;

    FakePlain(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    static AuthMechanisms mechanisms(Authenticator authenticator) {
        return AuthMechanisms.of(java.util.List.of("PLAIN"), name -> Optional.of(new FakePlain(authenticator)));
    }

    @Override
    public String name() {
        return "PLAIN";
    }

    @Override
    public SaslStep start(Optional<byte[]> initialResponse) {
        return initialResponse.map(this::next).orElseGet(() -> new SaslStep.Challenge(new byte[0]));
    }

    @Override
    public SaslStep next(byte[] response) {
        String[] parts = new String(response, StandardCharsets.UTF_8).split("\0", -1);
        if (parts.length != 3) {
            return new SaslStep.Malformed("not authzid NUL authcid NUL passwd");
        }
        return authenticator.verifyPassword(parts[1], parts[2].getBytes(StandardCharsets.UTF_8))
                .<SaslStep>map(account -> new SaslStep.Success(account, new byte[0]))
                .orElseGet(() -> new SaslStep.Failure("bad credentials"));
    }
}
