package org.bastionmail.dns;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;

/**
 * The recursive resolvers Bastion asks, tried in turn, each round up to {@link #ROUNDS} times. Replies
 * other than NOERROR and NXDOMAIN (SERVFAIL, REFUSED...) count as failures so that the next server is
 * tried and, when all fail, the lookup fails instead of being taken as a DNSSEC verdict.
 *
 * <p>Each server is a dnsjava {@link SimpleResolver}: UDP, retried over TCP when the reply is truncated
 * (RFC 7766 5; RFC 1035 4.2.1), non-blocking I/O, so waiting for it never holds a thread.
 */
final class Upstream implements Resolver {
    /** How often the whole list of servers is tried (RFC 1536 1 warns against retrying aggressively). */
    static final int ROUNDS = 2;

    private final List<SimpleResolver> servers;

    Upstream(List<InetSocketAddress> addresses, Duration timeout) {
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("no DNS servers");
        }
        this.servers = addresses.stream().map(SimpleResolver::new).toList();
        for (SimpleResolver server : servers) {
            server.setTimeout(timeout);
            server.setIgnoreTruncation(false);
            // RFC 6891; 1232 bytes avoids IP fragmentation (DNS flag day 2020)
            server.setEDNS(0, 1232, 0, List.of());
        }
    }

    @Override
    public CompletionStage<Message> sendAsync(Message query) {
        return sendAsync(query, Runnable::run);
    }

    @Override
    public CompletionStage<Message> sendAsync(Message query, Executor executor) {
        CompletableFuture<Message> result = new CompletableFuture<>();
        attempt(query, executor, 0, "no reply", result);
        return result;
    }

    private void attempt(Message query, Executor executor, int index, String lastProblem, CompletableFuture<Message> result) {
        if (index >= servers.size() * ROUNDS) {
            result.completeExceptionally(new UpstreamException(lastProblem));
            return;
        }
        SimpleResolver server = servers.get(index % servers.size());
        server.sendAsync(query.clone(), executor).whenComplete((reply, error) -> {
            if (error != null) {
                attempt(query, executor, index + 1, server.getAddress() + ": " + describe(error), result);
            } else if (reply.getRcode() != Rcode.NOERROR && reply.getRcode() != Rcode.NXDOMAIN) {
                attempt(query, executor, index + 1, server.getAddress() + ": " + Rcode.string(reply.getRcode()), result);
            } else {
                result.complete(reply);
            }
        });
    }

    private static String describe(Throwable error) {
        Throwable cause = error.getCause() != null && error instanceof java.util.concurrent.CompletionException
                ? error.getCause() : error;
        return cause instanceof java.util.concurrent.TimeoutException || cause instanceof java.net.SocketTimeoutException
                ? "timed out"
                : cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : " " + cause.getMessage());
    }

    @Override
    public void setPort(int port) {
        throw new UnsupportedOperationException("ports are part of each server's address");
    }

    @Override
    public void setTCP(boolean flag) {
        servers.forEach(s -> s.setTCP(flag));
    }

    @Override
    public void setIgnoreTruncation(boolean flag) {
        servers.forEach(s -> s.setIgnoreTruncation(flag));
    }

    @Override
    public void setEDNS(int version, int payloadSize, int flags, List<EDNSOption> options) {
        servers.forEach(s -> s.setEDNS(version, payloadSize == 0 ? 1232 : payloadSize, flags, options));
    }

    @Override
    public void setTSIGKey(TSIG key) {
        servers.forEach(s -> s.setTSIGKey(key));
    }

    @Override
    public void setTimeout(Duration timeout) {
        servers.forEach(s -> s.setTimeout(timeout));
    }

    @Override
    public Duration getTimeout() {
        return servers.getFirst().getTimeout();
    }

    /** Every server failed; the message says how the last one did. */
    static final class UpstreamException extends Exception {
        UpstreamException(String message) {
            super(message, null, false, false);
        }
    }
}
