package org.bastionmail.sasl;

import java.util.Optional;

/** Where SASL mechanisms check credentials; the directory implements it. */
public interface Authenticator {
    /**
     * Checks a password against the stored slow hash, taking the same time whether or not the user
     * exists (no user enumeration by timing).
     *
     * @return the canonical account name on success
     */
    Optional<String> verifyPassword(String username, byte[] password);

    /** The stored SCRAM-SHA-256 keys of a user (RFC 5802 3, RFC 7677), if the user exists. */
    Optional<ScramCredentials> scramCredentials(String username);
}
