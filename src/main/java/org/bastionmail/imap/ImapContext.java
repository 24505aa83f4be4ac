package org.bastionmail.imap;

import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import org.bastionmail.directory.Directory;
import org.bastionmail.net.AuthFailures;
import org.bastionmail.net.Pause;
import org.bastionmail.net.TlsUpgrade;
import org.bastionmail.store.MailboxStore;

/**
 * What every IMAP session of one listener shares.
 *
 * @param hostname this server's name, in the greeting
 * @param directory who may log in, and their quotas
 * @param store the mailboxes; its {@link MailboxStore#events()} tell sessions about changes
 * @param starttls how to start TLS on STARTTLS; empty: not offered
 * @param implicitTls whether the socket is TLS from the start (port 993)
 * @param limits the limits a client can hit
 * @param clock time for INTERNALDATE of APPEND and for the command rate
 * @param pause how a session waits after a failed login, so tests need not really wait
 * @param connections the logged-in connections per account; one instance for all IMAP listeners
 * @param authFailures where failed and successful logins are reported (the ban list)
 */
public record ImapContext(
        String hostname,
        Directory directory,
        MailboxStore store,
        Optional<TlsUpgrade> starttls,
        boolean implicitTls,
        ImapLimits limits,
        Clock clock,
        Pause pause,
        UserConnections connections,
        AuthFailures authFailures) {

    public ImapContext {
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(starttls, "starttls");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(pause, "pause");
        Objects.requireNonNull(connections, "connections");
        Objects.requireNonNull(authFailures, "authFailures");
    }

}
