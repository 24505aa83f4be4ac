package org.bastionmail.pop3;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.bastionmail.net.AuthFailures;
import org.bastionmail.net.Pause;
import org.bastionmail.net.TlsUpgrade;
import org.bastionmail.sasl.Authenticator;
import org.bastionmail.store.MailboxStore;

/**
 * What every POP3 session of one listener shares.
 *
 * @param hostname this server's name, in the greeting
 * @param authenticator checks passwords and SCRAM keys; the {@code Directory}
 * @param store where the maildrop (the account's INBOX) lives
 * @param stls how to start TLS on STLS (RFC 2595 4); empty: STLS is not offered
 * @param implicitTls whether the listener did the TLS handshake before the session (port 995, {@code pop3s})
 * @param limits what a client can hit
 * @param clock the session's time limit is measured with it
 * @param pause how the session waits after a failed login, so tests need not really wait
 * @param locks the maildrop locks; one instance for all POP3 listeners
 * @param authFailures where failed and successful logins are reported (the ban list)
 */
public record Pop3Context(
        String hostname,
        Authenticator authenticator,
        MailboxStore store,
        Optional<TlsUpgrade> stls,
        boolean implicitTls,
        Limits limits,
        Clock clock,
        Pause pause,
        MaildropLocks locks,
        AuthFailures authFailures) {

    public Pop3Context {
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(authenticator, "authenticator");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(stls, "stls");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(pause, "pause");
        Objects.requireNonNull(locks, "locks");
        Objects.requireNonNull(authFailures, "authFailures");
    }

    /**
     * The limits of a POP3 session.
     *
     * @param commandLine longest command line in octets, CRLF included (RFC 2449 4: 255)
     * @param saslLine longest SASL response line in octets, CRLF included
     * @param idleTimeout how long the server waits for a command (RFC 1939 3: at least 10 minutes)
     * @param sessionTimeout how long one connection may last at most
     * @param authFailures failed logins after which the connection is closed
     * @param errors protocol errors (unknown commands, bad syntax, overlong lines) after which it is closed
     */
    public record Limits(int commandLine, int saslLine, Duration idleTimeout, Duration sessionTimeout,
            int authFailures, int errors) {

        public Limits {
            if (commandLine < 16 || saslLine < commandLine || authFailures < 1 || errors < 1
                    || idleTimeout.isNegative() || idleTimeout.isZero() || sessionTimeout.compareTo(idleTimeout) < 0) {
                throw new IllegalArgumentException("POP3 limits out of range");
            }
        }

        public static Limits defaults() {
            return new Limits(255, 12_288 + 2, Duration.ofMinutes(10), Duration.ofHours(4), 3, 20);
        }
    }

}
