package org.bastionmail.sasl;

/** What a SASL mechanism says after each client message. */
public sealed interface SaslStep {
    /** Send this challenge (before base64) and wait for the client's response. */
    record Challenge(byte[] data) implements SaslStep {}

    /**
     * The client is authenticated as {@code account}; {@code additionalData} (possibly empty) is the
     * server's final message, e.g. SCRAM's server signature, sent with the success reply.
     */
    record Success(String account, byte[] additionalData) implements SaslStep {}

    /** Authentication failed; {@code reason} is for the log, never for the client. */
    record Failure(String reason) implements SaslStep {}

    /** The client's message was not valid for the mechanism (maps to 501 in SMTP). */
    record Malformed(String reason) implements SaslStep {}
}
