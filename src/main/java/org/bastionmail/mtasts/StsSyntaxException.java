package org.bastionmail.mtasts;

/** A TXT record or policy body that does not follow the grammar of RFC 8461 3.1 or 3.2. */
public final class StsSyntaxException extends Exception {
    private static final long serialVersionUID = 1L;

    public StsSyntaxException(String message) {
        super(message);
    }
}
