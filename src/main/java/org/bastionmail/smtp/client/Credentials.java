package org.bastionmail.smtp.client;

import java.util.Objects;

/** A smarthost account for AUTH (RFC 4954). The password never appears in {@link #toString()}. */
public record Credentials(String username, String password) {

    public Credentials {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        if ((username + password).chars().anyMatch(c -> c == 0)) {
            throw new IllegalArgumentException("NUL in credentials"); // RFC 4616 2: NUL separates the fields
        }
    }

    @Override
    public String toString() {
        return "Credentials[username=" + username + ", password=(hidden)]";
    }
}
