package org.bastionmail.smtp.client;

import java.util.Objects;
import java.util.Optional;

/**
 * Why a connection could not be used (or stopped being usable).
 *
 * @param stage where it failed: TLS stages feed TLS reports (RFC 8460 4.3 result types)
 * @param permanent true only for a 5yz greeting or a refused AUTH: every other failure is worth another
 *     host or a later try
 * @param reply the server's reply, when a reply caused the failure
 * @param detail a human-readable description, without secrets
 */
public record ConnectionFailure(Stage stage, boolean permanent, Optional<SmtpReply> reply, String detail) {

    public ConnectionFailure {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(reply, "reply");
        Objects.requireNonNull(detail, "detail");
    }

    static ConnectionFailure temporary(Stage stage, String detail) {
        return new ConnectionFailure(stage, false, Optional.empty(), detail);
    }

    static ConnectionFailure byReply(Stage stage, SmtpReply reply) {
        return new ConnectionFailure(stage, reply.permanentFailure(), Optional.of(reply), "server replied " + reply);
    }

    public enum Stage {
        CONNECT, GREETING, EHLO,
        /** STARTTLS not offered when required, or refused. */
        STARTTLS,
        TLS_HANDSHAKE,
        /** The handshake completed but the certificate check refused the peer. */
        CERTIFICATE,
        AUTH, MAIL, RCPT, DATA, END_OF_DATA, RSET,
        /** The server broke the protocol (malformed or oversized replies). */
        PROTOCOL
    }
}
