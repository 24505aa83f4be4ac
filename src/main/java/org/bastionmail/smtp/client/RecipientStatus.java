package org.bastionmail.smtp.client;

/** What became of one recipient in one transaction. */
public sealed interface RecipientStatus {
    /** The reply that decided it: the RCPT reply for a refusal, else the one to DATA or its final dot. */
    SmtpReply reply();

    /** The server took responsibility for the message (RFC 5321 4.1.1.4: the 250 after the dot). */
    record Delivered(SmtpReply reply) implements RecipientStatus {}

    /** Try again later (a 4yz reply, a lost connection, a timeout). */
    record TempFailed(SmtpReply reply) implements RecipientStatus {}

    /** Do not try again: a 5yz reply, or something this server can never take (RFC 6152, RFC 6531). */
    record PermFailed(SmtpReply reply) implements RecipientStatus {}
}
