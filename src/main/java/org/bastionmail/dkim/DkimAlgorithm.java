package org.bastionmail.dkim;

import java.util.Optional;

/** The signing algorithms Bastion signs and verifies with (RFC 6376 3.3, RFC 8463 3). */
public enum DkimAlgorithm {
    RSA_SHA256("rsa-sha256", "rsa"),
    ED25519_SHA256("ed25519-sha256", "ed25519");

    private final String tag;
    private final String keyType;

    DkimAlgorithm(String tag, String keyType) {
        this.tag = tag;
        this.keyType = keyType;
    }

    /** The value of the signature's {@code a=} tag. */
    public String tag() {
        return tag;
    }

    /** The value of the key record's {@code k=} tag. */
    public String keyType() {
        return keyType;
    }

    /** The algorithm for an {@code a=} value (case-insensitive, RFC 6376 3.2), if Bastion accepts it. */
    static Optional<DkimAlgorithm> ofTag(String tag) {
        for (DkimAlgorithm a : values()) {
            if (a.tag.equalsIgnoreCase(tag)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
