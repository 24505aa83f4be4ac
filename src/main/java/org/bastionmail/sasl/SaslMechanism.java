package org.bastionmail.sasl;

import java.util.Optional;

/**
 * The server side of one SASL exchange (RFC 4422). One instance serves one AUTH command; the protocol
 * (SMTP, IMAP, POP3) does the base64 framing and the cancellation ("*").
 */
public interface SaslMechanism {
    /** The mechanism name as advertised, e.g. {@code PLAIN}. */
    String name();

    /** Begins the exchange, with the client's initial response if it sent one (RFC 4954 4). */
    SaslStep start(Optional<byte[]> initialResponse);

    /** Continues the exchange with the client's (decoded) response to the last challenge. */
    SaslStep next(byte[] response);
}
