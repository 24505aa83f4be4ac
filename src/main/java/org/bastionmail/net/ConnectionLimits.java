package org.bastionmail.net;

import java.net.InetAddress;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Connection limits checked at accept time, before a session starts: the total number of connections, the
 * number per client ({@link ClientNetwork}: an IPv4 address or an IPv6 /64), and the rate of new connections
 * per client, a token bucket refilled evenly over a minute. One instance covers every listener.
 */
public final class ConnectionLimits {
    /** Above this many clients tracked, idle ones (no connection, full bucket) are forgotten. */
    private static final int PRUNE_ABOVE = 10_000;

    /**
     * @param maxConnections connections open at once, all clients and listeners together
     * @param maxPerClient connections open at once from one client
     * @param ratePerMinute new connections one client may open per minute; also the burst allowed at once
     */
    public record Settings(int maxConnections, int maxPerClient, int ratePerMinute) {
        public Settings {
            if (maxConnections < 1 || maxPerClient < 1 || ratePerMinute < 1) {
                throw new IllegalArgumentException("connection limits must be at least 1");
            }
        }

        public static Settings defaults() {
            return new Settings(1000, 20, 60);
        }
    }

    /** What {@link #admit} decided. */
    public sealed interface Admission {
        /** Admitted: {@link #release()} must be called once when the connection closes. */
        record Admitted(Runnable release) implements Admission {}

        /** Refused, with why (for the log). */
        record Refused(String reason) implements Admission {}
    }

    private final Settings settings;
    private final Clock clock;
    private final List<Cidr> exempt;
    private final Map<ClientNetwork, Client> clients = new HashMap<>();
    private int total;

    public ConnectionLimits(Settings settings, Clock clock) {
        this(settings, clock, List.of());
    }

    /**
     * @param exempt networks only the total limit applies to: the allow list, where a webmail or a local
     *     relay opens many connections from one address on behalf of many users
     */
    public ConnectionLimits(Settings settings, Clock clock, List<Cidr> exempt) {
        this.settings = settings;
        this.clock = clock;
        this.exempt = List.copyOf(exempt);
    }

    /** No limits worth the name: for callers that have none configured. */
    public static ConnectionLimits unlimited() {
        return new ConnectionLimits(new Settings(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE), Clock.systemUTC());
    }

    public Settings settings() {
        return settings;
    }

    /** Counts a new connection from {@code address} if every limit allows it. */
    public synchronized Admission admit(InetAddress address) {
        ClientNetwork network = ClientNetwork.of(address);
        if (total >= settings.maxConnections()) {
            return new Admission.Refused("too many connections in total (" + settings.maxConnections() + ")");
        }
        if (exempt.stream().anyMatch(c -> c.contains(address))) {
            total++;
            return new Admission.Admitted(new Release(this, null));
        }
        if (clients.size() > PRUNE_ABOVE) {
            prune();
        }
        Client client = clients.computeIfAbsent(network, n -> new Client(settings.ratePerMinute(), clock.millis()));
        if (client.open >= settings.maxPerClient()) {
            return new Admission.Refused("too many connections from " + network + " (" + settings.maxPerClient() + ")");
        }
        if (!client.take(settings.ratePerMinute(), clock.millis())) {
            return new Admission.Refused("connection rate of " + network + " above " + settings.ratePerMinute() + "/min");
        }
        client.open++;
        total++;
        return new Admission.Admitted(new Release(this, network));
    }

    /** Connections open now, for metrics and tests. */
    public synchronized int open() {
        return total;
    }

    private synchronized void release(ClientNetwork network) {
        total--;
        Client client = network == null ? null : clients.get(network);
        if (client != null) {
            client.open--;
        }
    }

    private void prune() {
        long now = clock.millis();
        clients.values().removeIf(c -> c.open == 0 && c.tokensAt(settings.ratePerMinute(), now) >= settings.ratePerMinute());
    }

    /** Releases once, however often it is run (a session's cleanup may run more than once). */
    private static final class Release implements Runnable {
        private final ConnectionLimits limits;
        private final ClientNetwork network;
        private boolean done;

        Release(ConnectionLimits limits, ClientNetwork network) {
            this.limits = limits;
            this.network = network;
        }

        @Override
        public void run() {
            synchronized (this) {
                if (done) {
                    return;
                }
                done = true;
            }
            limits.release(network);
        }
    }

    /** One client's open connections and token bucket; tokens are kept in thousandths to refill smoothly. */
    private static final class Client {
        int open;
        private long milliTokens;
        private long updated;

        Client(int rate, long now) {
            this.milliTokens = rate * 1000L;
            this.updated = now;
        }

        double tokensAt(int rate, long now) {
            refill(rate, now);
            return milliTokens / 1000.0;
        }

        boolean take(int rate, long now) {
            refill(rate, now);
            if (milliTokens < 1000) {
                return false;
            }
            milliTokens -= 1000;
            return true;
        }

        private void refill(int rate, long now) {
            long elapsed = Math.max(0, now - updated);
            // rate tokens per 60 000 ms, i.e. rate milli-tokens per 60 ms
            long added = Math.min(elapsed, 60_000L) * rate / 60;
            if (added > 0) {
                milliTokens = Math.min(rate * 1000L, milliTokens + added);
                updated = now;
            }
        }
    }
}
