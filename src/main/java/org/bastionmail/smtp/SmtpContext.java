package org.bastionmail.smtp;

import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import org.bastionmail.config.Config;
import org.bastionmail.directory.Directory;
import org.bastionmail.net.AuthFailures;
import org.bastionmail.net.Pause;
import org.bastionmail.queue.MessageQueue;
import org.bastionmail.tracelog.TraceSink;

/**
 * What every session of one listener shares.
 *
 * @param mode what the listener is for
 * @param hostname this server's name: banner, EHLO, Received, Message-ID
 * @param postmasterDomain the local domain a bare {@code <postmaster>} recipient is taken to (RFC 5321 4.5.1)
 * @param limits the limits a client can hit
 * @param directory local domains, users, and who may use which address
 * @param auth the SASL mechanisms offered (only ever over TLS)
 * @param queue where accepted messages go
 * @param tls how to start TLS on STARTTLS; empty: STARTTLS is not offered
 * @param clock time for Received, Date and the session deadline
 * @param pause how the session waits after a failed AUTH
 * @param quota whether a local recipient's mailbox is full
 * @param hooks sender authentication, signing and filters around each message
 * @param authFailures where failed and successful AUTH are reported (the ban list)
 * @param relayClients clients allowed to relay without AUTH (configured networks; by default nobody)
 * @param trace where each connection's and transaction's log line goes (the transaction log, metrics)
 * @param checks screening of the client: pregreet, rate limits, DNS block lists, greylisting
 */
public record SmtpContext(
        SmtpMode mode,
        String hostname,
        String postmasterDomain,
        Config.Limits limits,
        Directory directory,
        AuthMechanisms auth,
        MessageQueue queue,
        Optional<TlsUpgrader> tls,
        Clock clock,
        Pause pause,
        MailboxQuota quota,
        MessageHooks hooks,
        AuthFailures authFailures,
        java.util.function.Predicate<java.net.InetAddress> relayClients,
        TraceSink trace,
        ClientChecks checks) {

    /** A context whose sessions log no transaction lines and screen no client. */
    public SmtpContext(SmtpMode mode, String hostname, String postmasterDomain, Config.Limits limits, Directory directory,
            AuthMechanisms auth, MessageQueue queue, Optional<TlsUpgrader> tls, Clock clock, Pause pause,
            MailboxQuota quota, MessageHooks hooks, AuthFailures authFailures,
            java.util.function.Predicate<java.net.InetAddress> relayClients) {
        this(mode, hostname, postmasterDomain, limits, directory, auth, queue, tls, clock, pause, quota, hooks,
                authFailures, relayClients, TraceSink.none(), ClientChecks.none());
    }

    /** A context whose sessions log their transactions to {@code trace} and screen no client. */
    public SmtpContext(SmtpMode mode, String hostname, String postmasterDomain, Config.Limits limits, Directory directory,
            AuthMechanisms auth, MessageQueue queue, Optional<TlsUpgrader> tls, Clock clock, Pause pause,
            MailboxQuota quota, MessageHooks hooks, AuthFailures authFailures,
            java.util.function.Predicate<java.net.InetAddress> relayClients, TraceSink trace) {
        this(mode, hostname, postmasterDomain, limits, directory, auth, queue, tls, clock, pause, quota, hooks,
                authFailures, relayClients, trace, ClientChecks.none());
    }

    /** A context that screens clients with {@code checks} and logs no transaction lines. */
    public SmtpContext(SmtpMode mode, String hostname, String postmasterDomain, Config.Limits limits,
            Directory directory, AuthMechanisms auth, MessageQueue queue, Optional<TlsUpgrader> tls, Clock clock,
            Pause pause, MailboxQuota quota, MessageHooks hooks, AuthFailures authFailures,
            java.util.function.Predicate<java.net.InetAddress> relayClients, ClientChecks checks) {
        this(mode, hostname, postmasterDomain, limits, directory, auth, queue, tls, clock, pause, quota, hooks,
                authFailures, relayClients, TraceSink.none(), checks);
    }

    public SmtpContext {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(postmasterDomain, "postmasterDomain");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(pause, "pause");
        Objects.requireNonNull(quota, "quota");
        Objects.requireNonNull(hooks, "hooks");
        Objects.requireNonNull(authFailures, "authFailures");
        Objects.requireNonNull(relayClients, "relayClients");
        Objects.requireNonNull(trace, "trace");
        Objects.requireNonNull(checks, "checks");
    }
}
