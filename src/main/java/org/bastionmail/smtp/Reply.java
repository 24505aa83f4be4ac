package org.bastionmail.smtp;

import java.nio.charset.StandardCharsets;

/**
 * One SMTP reply: a code (RFC 5321 4.2), an enhanced status code (RFC 3463, RFC 2034) and a text.
 *
 * <p>The enhanced code is empty only where RFC 2034 4 leaves it out: the greeting and the EHLO reply.
 */
record Reply(int code, String enhanced, String text) {

    // Common replies, named by what they mean. Texts never name the software or its version.
    static final Reply OK = new Reply(250, "2.0.0", "OK");
    static final Reply SENDER_OK = new Reply(250, "2.1.0", "Sender OK");
    static final Reply RECIPIENT_OK = new Reply(250, "2.1.5", "Recipient OK");
    static final Reply BAD_SEQUENCE = new Reply(503, "5.5.1", "Bad sequence of commands");
    static final Reply SEND_HELO_FIRST = new Reply(503, "5.5.1", "Send EHLO first");
    static final Reply NESTED_MAIL = new Reply(503, "5.5.1", "Transaction already in progress");
    static final Reply NEED_MAIL = new Reply(503, "5.5.1", "Send MAIL first");
    static final Reply NEED_RCPT = new Reply(503, "5.5.1", "Send RCPT first");
    static final Reply NO_VALID_RECIPIENTS = new Reply(554, "5.5.1", "No valid recipients");
    static final Reply UNRECOGNIZED = new Reply(500, "5.5.2", "Command unrecognized");
    static final Reply LINE_TOO_LONG = new Reply(500, "5.5.2", "Line too long");
    static final Reply BARE_NEWLINE_COMMAND = new Reply(500, "5.5.2", "Bare CR or LF not allowed, lines end in CRLF");
    static final Reply INVALID_UTF8 = new Reply(500, "5.5.2", "Invalid UTF-8");
    static final Reply SYNTAX = new Reply(501, "5.5.4", "Syntax error in parameters or arguments");
    static final Reply UNKNOWN_PARAMETER = new Reply(555, "5.5.4", "Unsupported MAIL or RCPT parameter");
    static final Reply NOT_IMPLEMENTED = new Reply(502, "5.5.1", "Command not implemented");
    static final Reply BAD_SENDER_SYNTAX = new Reply(501, "5.1.7", "Bad sender address syntax");
    static final Reply BAD_RECIPIENT_SYNTAX = new Reply(501, "5.1.3", "Bad recipient address syntax");
    static final Reply NON_ASCII_ADDRESS = new Reply(553, "5.6.7", "Non-ASCII address requires SMTPUTF8");
    static final Reply TOO_BIG = new Reply(552, "5.3.4", "Message too big");
    static final Reply HEADER_TOO_BIG = new Reply(552, "5.3.4", "Header section too big");
    static final Reply DATA_LINE_TOO_LONG = new Reply(552, "5.3.4", "Line too long");
    static final Reply BARE_NEWLINE_DATA = new Reply(554, "5.6.0", "Bare CR or LF not allowed, lines end in CRLF");
    static final Reply NUL_IN_DATA = new Reply(554, "5.6.0", "NUL characters not allowed");
    static final Reply TOO_MANY_RECIPIENTS = new Reply(452, "4.5.3", "Too many recipients");
    static final Reply UNKNOWN_USER = new Reply(550, "5.1.1", "No such user here");
    static final Reply MAILBOX_FULL = new Reply(452, "4.2.2", "Mailbox full, try again later");
    static final Reply RELAY_DENIED = new Reply(554, "5.7.1", "Relay access denied");
    static final Reply RELAY_SYNTAX = new Reply(553, "5.7.1", "Relay syntax in local part not allowed");
    static final Reply ADDRESS_LITERAL_RECIPIENT = new Reply(553, "5.1.3", "Address literals not accepted as recipients");
    static final Reply SENDER_NOT_OWNED = new Reply(553, "5.7.1", "Sender address not owned by the authenticated user");
    static final Reply FROM_NOT_OWNED = new Reply(550, "5.7.1", "From: address not owned by the authenticated user");
    static final Reply NO_FROM = new Reply(550, "5.6.0", "Message has no valid From: header");
    static final Reply AUTH_REQUIRED = new Reply(530, "5.7.0", "Authentication required");
    static final Reply STARTTLS_FIRST = new Reply(530, "5.7.0", "Must issue STARTTLS first");
    // RFC 8689 2: REQUIRETLS only in a TLS session; the RFC names no reply for it, 5.7.10 is "Encryption needed".
    static final Reply REQUIRETLS_WITHOUT_TLS = new Reply(530, "5.7.10", "REQUIRETLS needs a TLS session");
    static final Reply ENCRYPTION_REQUIRED = new Reply(538, "5.7.11", "Encryption required for requested authentication mechanism");
    static final Reply AUTH_OK = new Reply(235, "2.7.0", "Authentication successful");
    static final Reply AUTH_FAILED = new Reply(535, "5.7.8", "Authentication credentials invalid");
    static final Reply AUTH_CANCELLED = new Reply(501, "5.0.0", "Authentication cancelled");
    static final Reply AUTH_MALFORMED = new Reply(501, "5.5.2", "Malformed authentication response");
    static final Reply AUTH_TEMPORARY = new Reply(454, "4.7.0", "Temporary authentication failure");
    static final Reply UNKNOWN_MECHANISM = new Reply(504, "5.5.4", "Unrecognized authentication mechanism");
    static final Reply ALREADY_AUTHENTICATED = new Reply(503, "5.5.1", "Already authenticated");
    static final Reply TLS_ALREADY = new Reply(503, "5.5.1", "TLS already active");
    static final Reply TLS_UNAVAILABLE = new Reply(502, "5.5.1", "STARTTLS not available");
    static final Reply READY_FOR_TLS = new Reply(220, "2.0.0", "Ready to start TLS");
    static final Reply START_DATA = new Reply(354, "", "End data with <CR><LF>.<CR><LF>");
    static final Reply VRFY = new Reply(252, "2.5.0", "Cannot VRFY user, but will accept message and attempt delivery");
    static final Reply HELP = new Reply(214, "2.0.0", "See RFC 5321");
    static final Reply BYE = new Reply(221, "2.0.0", "Bye");
    static final Reply PREGREET = new Reply(554, "5.5.1", "Protocol error: you talked before the greeting");
    static final Reply TOO_MANY_ERRORS = new Reply(421, "4.7.0", "Too many errors, closing connection");
    static final Reply TOO_MANY_AUTH_FAILURES = new Reply(421, "4.7.0", "Too many authentication failures, closing connection");
    static final Reply IDLE_TIMEOUT = new Reply(421, "4.4.2", "Idle timeout, closing connection");
    static final Reply SESSION_TIMEOUT = new Reply(421, "4.4.2", "Session time limit reached, closing connection");
    static final Reply LOCAL_ERROR = new Reply(451, "4.3.0", "Local error in processing, try again later");
    /** RFC 5321 4.2.2 452, RFC 3463 4.3.1: the disk is full; the client keeps the message and retries. */
    static final Reply INSUFFICIENT_STORAGE = new Reply(452, "4.3.1", "Insufficient system storage, try again later");

    /** The reply for a failure to store: 452 4.3.1 when the disk is full, 451 4.3.0 otherwise. */
    static Reply storageFailure(Throwable failure) {
        return org.bastionmail.io.DiskSpace.isFull(failure) ? INSUFFICIENT_STORAGE : LOCAL_ERROR;
    }

    static Reply challenge(String base64) {
        return new Reply(334, "", base64);
    }

    static Reply queued(String queueId) {
        return new Reply(250, "2.0.0", "OK queued as " + queueId);
    }

    /** Whether the reply says the client did something wrong (RFC 5321 4.2.1: 4yz and 5yz). */
    boolean isError() {
        return code >= 400;
    }

    byte[] toBytes() {
        String line = code + " " + (enhanced.isEmpty() ? "" : enhanced + " ") + text;
        return (line + "\r\n").getBytes(StandardCharsets.UTF_8);
    }
}
