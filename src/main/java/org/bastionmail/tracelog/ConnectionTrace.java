package org.bastionmail.tracelog;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What one SMTP connection did, collected while it runs and logged once when it ends. The session
 * updates it (HELO, TLS, AUTH); checks of the client itself (a DNS block list at connect time) add
 * their verdict with {@link #check} or {@link #refuse}. Thread-safe.
 */
public final class ConnectionTrace {
    static final int MAX_CHECKS = 64;

    private final String session;
    private final InetAddress client;
    private final int port;
    private final String listener;
    private final Clock clock;
    private final TraceSink sink;
    private final Instant start;

    private final List<TraceEvent.Check> checks = new ArrayList<>();
    private Optional<String> rdns = Optional.empty();
    private Optional<TraceEvent.Tls> tls = Optional.empty();
    private Optional<String> user = Optional.empty();
    private String helo = "";
    private int transactions;
    private boolean ended;

    public ConnectionTrace(String session, InetAddress client, int port, String listener, Clock clock, TraceSink sink) {
        this.session = session;
        this.client = client;
        this.port = port;
        this.listener = listener;
        this.clock = clock;
        this.sink = sink;
        this.start = clock.instant();
    }

    /** A trace whose events go nowhere, for code run outside a session (tests, tools). */
    public static ConnectionTrace detached() {
        return new ConnectionTrace("-", InetAddress.getLoopbackAddress(), 0, "none", Clock.systemUTC(), TraceSink.none());
    }

    /** A verdict about the client, informational. */
    public synchronized void check(String name, String result, String detail) {
        add(checks, new TraceEvent.Check(name, result, detail, false));
    }

    /** A verdict about the client that refused something (the connection, a command). */
    public synchronized void refuse(String name, String result, String detail) {
        add(checks, new TraceEvent.Check(name, result, detail, true));
    }

    /** The client's verified reverse DNS name (RFC 8601 2.7.3 iprev pass). */
    public synchronized void clientName(String name) {
        rdns = Optional.of(name);
    }

    public synchronized void helo(String name) {
        helo = name;
    }

    public synchronized void tls(String protocol, String cipher) {
        tls = Optional.of(new TraceEvent.Tls(protocol, cipher));
    }

    /** The account that authenticated; never anything about its credentials. */
    public synchronized void user(String account) {
        user = Optional.of(account);
    }

    /** A new transaction, which knows what the connection knows now (HELO, TLS, user). */
    public synchronized TransactionTrace transaction() {
        return new TransactionTrace(this, session, client.getHostAddress(), helo, tls, user, clock, sink);
    }

    synchronized void transactionDone() {
        transactions++;
    }

    /** Logs the connection, once; later calls do nothing. */
    public void end(String how) {
        TraceEvent.Connection event;
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            Instant now = clock.instant();
            event = new TraceEvent.Connection(now, session, client.getHostAddress(), port, rdns, listener, tls, user,
                    transactions, Duration.between(start, now), how, checks);
        }
        TraceSink.recordSafely(sink, event);
    }

    static void add(List<TraceEvent.Check> checks, TraceEvent.Check check) {
        if (checks.size() < MAX_CHECKS) {
            checks.add(check);
        }
    }
}
