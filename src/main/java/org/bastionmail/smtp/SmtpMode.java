package org.bastionmail.smtp;

/** What a listener is for; decides what the session requires of the client. */
public enum SmtpMode {
    /** Port 25: mail from other servers to local recipients; no relaying without authentication. */
    MX,
    /** Port 587 (RFC 6409): STARTTLS, then AUTH, before any mail; the sender must be the user's own. */
    SUBMISSION,
    /** Port 465 (RFC 8314 3.3): TLS from the first byte, then AUTH as for {@link #SUBMISSION}. */
    SUBMISSIONS;

    boolean requiresAuth() {
        return this != MX;
    }
}
