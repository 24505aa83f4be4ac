package org.bastionmail.tracelog;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One line of the transaction log: what happened on one SMTP connection, in one mail transaction, or in
 * one delivery attempt. Values come from peers (HELO names, addresses, Message-IDs): {@link TraceJson}
 * escapes and truncates them when the line is written.
 */
public sealed interface TraceEvent {
    /** When the event ended: the connection closed, the transaction got its last reply, the attempt finished. */
    Instant at();

    /**
     * The verdict of one check.
     *
     * @param name the check ({@code spf}, {@code dkim}, {@code antivirus}, {@code dnsbl}, ...), chosen by code
     * @param result its verdict in its own words ({@code pass}, {@code fail}, {@code infected}, {@code listed})
     * @param detail what it saw (domain, signature name, score), may be empty
     * @param refused whether this verdict refused the message, a recipient or the connection
     */
    record Check(String name, String result, String detail, boolean refused) {
        public Check {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(result, "result");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** The TLS protocol version and cipher suite of a connection. */
    record Tls(String protocol, String cipher) {}

    /** One RCPT TO as the client gave it, and our reply (code, enhanced code, text). */
    record Recipient(String address, String reply) {}

    /**
     * One SMTP connection, logged when it ends.
     *
     * @param session the session id, also in the transactions of this connection
     * @param listener {@code smtp}, {@code submission} or {@code submissions}
     * @param end how it ended: {@code quit}, {@code client_closed}, {@code timeout}, {@code idle_timeout},
     *     {@code error}, {@code internal_error}, {@code dropped}
     * @param checks verdicts about the client itself (DNS block lists, pregreeting)
     */
    record Connection(Instant at, String session, String client, int port, Optional<String> rdns, String listener,
            Optional<Tls> tls, Optional<String> user, int transactions, Duration duration, String end,
            List<Check> checks) implements TraceEvent {
        public Connection {
            checks = List.copyOf(checks);
        }
    }

    /**
     * One mail transaction (MAIL to the final reply, or to RSET or the end of the connection).
     *
     * @param mailFrom the reverse-path, empty for the null path {@code <>}
     * @param recipients every RCPT TO with its reply, accepted or not
     * @param size the message size in bytes, 0 if no message was received
     * @param reply the final reply to the message, empty if none was sent (abandoned)
     * @param result {@code accepted}, {@code refused} or {@code abandoned}
     * @param reason for accepted, {@code inbox} or {@code junk}; for refused, the check that refused it or
     *     what SMTP itself found ({@code size}, {@code content}, {@code from}, {@code local_error}); else empty
     */
    record Transaction(Instant at, String session, String client, String helo, Optional<Tls> tls,
            Optional<String> user, String mailFrom, List<Recipient> recipients, Optional<String> messageId, long size,
            List<Check> checks, Optional<String> queueId, Optional<String> reply, String result, String reason)
            implements TraceEvent {
        public Transaction {
            recipients = List.copyOf(recipients);
            checks = List.copyOf(checks);
        }
    }

    /**
     * The outcome of one delivery attempt for one recipient.
     *
     * @param kind {@code local} or {@code remote}
     * @param result {@code delivered}, {@code deferred} or {@code bounced}
     * @param remoteHost the server that answered, for remote delivery, when one did
     * @param reply the reply or reason, starting with an enhanced status code
     * @param attempt the number of this attempt, from 1
     * @param latency the time since the message was received
     */
    record Delivery(Instant at, String queueId, String recipient, String kind, String result,
            Optional<String> remoteHost, String reply, int attempt, Duration latency) implements TraceEvent {}
}
