package org.bastionmail.mtasts;

/** The policy mode (RFC 8461 5). */
public enum StsMode {
    /** Deliver only over validated TLS to a host matching an {@code mx} pattern. */
    ENFORCE("enforce"),
    /** Check and report failures (RFC 8460), but deliver anyway. */
    TESTING("testing"),
    /** The domain has withdrawn its policy (RFC 8461 8.3): behave as if there were none. */
    NONE("none");

    private final String token;

    StsMode(String token) {
        this.token = token;
    }

    public String token() {
        return token;
    }
}
