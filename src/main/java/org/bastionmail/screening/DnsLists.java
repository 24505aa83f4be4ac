package org.bastionmail.screening;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.bastionmail.dns.DnsResolver;
import org.bastionmail.dns.Lookup;
import org.bastionmail.net.BurstLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS block and allow lists (RFC 5782): the client's address is looked up under each zone, through the
 * server's resolver and so its cache, all zones at once. A list that cannot be asked (timeout, SERVFAIL,
 * a refusal code) counts as "not listed": a list's outage must not stop mail (fail open), and it is logged.
 */
public final class DnsLists {
    private static final Logger LOG = LoggerFactory.getLogger(DnsLists.class);
    private static final Executor VIRTUAL = task -> Thread.ofVirtual().name("dnslist").start(task);

    /** One configured list. */
    public record Zone(String zone, int weight, AnswerCodes answers) {}

    /**
     * What the lists say of one client.
     *
     * @param score the weights of the block lists it is on
     * @param listedIn the block lists it is on
     * @param allowedBy the first allow list it is on, if any
     */
    public record Verdict(int score, List<String> listedIn, Optional<String> allowedBy) {
        public static final Verdict CLEAN = new Verdict(0, List.of(), Optional.empty());

        public Verdict {
            listedIn = List.copyOf(listedIn);
        }
    }

    private record Answer(Zone zone, boolean listed) {}

    private final DnsResolver dns;
    private final List<Zone> block;
    private final List<Zone> allow;
    private final BurstLog problems;

    public DnsLists(DnsResolver dns, List<Zone> block, List<Zone> allow, Clock clock) {
        this.dns = dns;
        this.block = List.copyOf(block);
        this.allow = List.copyOf(allow);
        this.problems = new BurstLog(LOG, clock, Duration.ofSeconds(60));
    }

    public boolean isEmpty() {
        return block.isEmpty() && allow.isEmpty();
    }

    /** Starts every lookup for {@code client}; the result is complete when all have answered or failed. */
    public CompletableFuture<Verdict> check(InetAddress client) {
        List<CompletableFuture<Answer>> blocks = block.stream().map(z -> ask(z, client)).toList();
        List<CompletableFuture<Answer>> allows = allow.stream().map(z -> ask(z, client)).toList();
        List<CompletableFuture<Answer>> all = new ArrayList<>(blocks);
        all.addAll(allows);
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(done -> {
            int score = 0;
            List<String> listedIn = new ArrayList<>();
            for (CompletableFuture<Answer> f : blocks) {
                Answer a = f.join();
                if (a.listed()) {
                    score = (int) Math.min(Integer.MAX_VALUE, (long) score + a.zone().weight());
                    listedIn.add(a.zone().zone());
                }
            }
            Optional<String> allowedBy = allows.stream().map(CompletableFuture::join).filter(Answer::listed)
                    .map(a -> a.zone().zone()).findFirst();
            return new Verdict(score, listedIn, allowedBy);
        });
    }

    private CompletableFuture<Answer> ask(Zone zone, InetAddress client) {
        return CompletableFuture.supplyAsync(() -> new Answer(zone, listed(zone, client)), VIRTUAL)
                .exceptionally(e -> {
                    problems.warn("DNS list lookup failed: {}", zone.zone() + ": " + e);
                    return new Answer(zone, false);
                });
    }

    private boolean listed(Zone zone, InetAddress client) {
        String name = queryName(client, zone.zone());
        Lookup<List<InetAddress>> lookup = dns.a(name);
        return switch (lookup) {
            case Lookup.Found<List<InetAddress>> found -> {
                if (found.records().stream().anyMatch(AnswerCodes::refusal)) {
                    // RFC 5782 has no code for it; the big lists answer 127.255.255.x to refused queries
                    problems.warn("DNS list refused our query (127.255.255.x), ignored: {}", zone.zone());
                }
                yield found.records().stream().anyMatch(zone.answers()::listed);
            }
            case Lookup.NoSuchName<List<InetAddress>> none -> false;
            case Lookup.NoRecords<List<InetAddress>> none -> false;
            case Lookup.Failed<List<InetAddress>> failed -> {
                problems.warn("DNS list lookup failed, taken as not listed: {}", zone.zone() + ": " + failed.reason());
                yield false;
            }
        };
    }

    /**
     * RFC 5782 2.1 and 2.4: the IPv4 address's octets reversed ({@code 2.0.0.127.zone}), or the IPv6 address's
     * 32 nibbles reversed, under the zone.
     */
    static String queryName(InetAddress client, String zone) {
        byte[] bytes = client.getAddress();
        StringBuilder name = new StringBuilder();
        if (client instanceof Inet4Address) {
            for (int i = bytes.length - 1; i >= 0; i--) {
                name.append(bytes[i] & 0xff).append('.');
            }
        } else {
            for (int i = bytes.length - 1; i >= 0; i--) {
                name.append(Character.forDigit(bytes[i] & 0xf, 16)).append('.')
                        .append(Character.forDigit((bytes[i] >> 4) & 0xf, 16)).append('.');
            }
        }
        return name.append(zone.toLowerCase(Locale.ROOT)).toString();
    }
}
