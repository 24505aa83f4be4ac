package org.bastionmail.dns;

import java.io.IOException;
import java.io.InputStream;
import java.net.IDN;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.bastionmail.config.Config;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * {@link DnsResolver} on dnsjava: asks the configured recursive resolvers (UDP, TCP when truncated),
 * validates every answer itself from its trust anchors (RFC 4035 5) with dnsjava's
 * {@link ValidatingResolver}, follows CNAME chains (RFC 1034 3.6.2) and caches outcomes for their TTL,
 * negative ones too (RFC 2308).
 *
 * <p>Lookups park the calling (virtual) thread on a future completed by dnsjava's non-blocking I/O,
 * so no carrier is held while waiting. A name that cannot exist in the DNS (a bad IDN, a label over 63
 * octets) is {@link Lookup.NoSuchName} without a query. A null MX (RFC 7505) has the exchange {@code "."}.
 */
public final class DnsjavaResolver implements DnsResolver {
    static final int CACHE_ENTRIES = 10_000;
    /** RFC 1034 3.6.2 asks resolvers to guard against CNAME loops; 8 is what common resolvers allow. */
    static final int MAX_CNAME_HOPS = 8;
    private static final String ROOT_ANCHORS = "root-anchors.txt";

    private final Resolver resolver;
    private final Optional<ValidatingResolver> validator;
    private final AnswerCache cache;
    private final Duration deadline;

    private DnsjavaResolver(Resolver resolver, Optional<ValidatingResolver> validator, AnswerCache cache, Duration deadline) {
        this.resolver = resolver;
        this.validator = validator;
        this.cache = cache;
        this.deadline = deadline;
    }

    /** A resolver as configured by {@code [dns]}; reads the trust anchors now. */
    public static DnsjavaResolver create(Config.Dns settings) throws IOException {
        List<InetSocketAddress> servers = settings.servers().isEmpty()
                ? ResolverConfig.getCurrentConfig().servers()
                : settings.servers();
        if (settings.trustAnchors().isPresent()) {
            try (InputStream anchors = Files.newInputStream(settings.trustAnchors().get())) {
                return create(servers, settings.timeout(), settings.dnssec(), anchors, Clock.systemUTC());
            }
        }
        try (InputStream anchors = rootAnchors()) {
            return create(servers, settings.timeout(), settings.dnssec(), anchors, Clock.systemUTC());
        }
    }

    /** For tests: any clock, sub-second timeouts. */
    static DnsjavaResolver create(List<InetSocketAddress> servers, Duration timeout, boolean dnssec,
            InputStream trustAnchors, Clock clock) throws IOException {
        if (servers.isEmpty()) {
            throw new IOException("no DNS servers configured and none found in the system configuration");
        }
        Upstream upstream = new Upstream(servers, timeout);
        // A lookup is a query plus, when validating, DS and DNSKEY queries up the tree; each is bounded by
        // the per-server timeout, this only guards against a future that never completes.
        Duration deadline = timeout.multipliedBy((long) servers.size() * Upstream.ROUNDS * 16);
        AnswerCache cache = new AnswerCache(CACHE_ENTRIES, clock);
        if (!dnssec) {
            return new DnsjavaResolver(upstream, Optional.empty(), cache, deadline);
        }
        ValidatingResolver validating = new ValidatingResolver(upstream, clock);
        validating.loadTrustAnchors(trustAnchors);
        if (validating.getTrustAnchors().items().isEmpty()) {
            throw new IOException("the trust anchor file holds no DS or DNSKEY record");
        }
        return new DnsjavaResolver(validating, Optional.of(validating), cache, deadline);
    }

    /** The IANA root anchors shipped with Bastion. */
    static InputStream rootAnchors() throws IOException {
        InputStream in = DnsjavaResolver.class.getResourceAsStream(ROOT_ANCHORS);
        if (in == null) {
            throw new IOException("missing resource " + ROOT_ANCHORS);
        }
        return in;
    }

    // How the records of each type become Bastion's values; package-private for the DNS answer fuzz target.
    static final Function<org.xbill.DNS.Record, String> TXT = r -> joinStrings((TXTRecord) r);
    static final Function<org.xbill.DNS.Record, InetAddress> A = r -> plainAddress(((ARecord) r).getAddress());
    static final Function<org.xbill.DNS.Record, InetAddress> AAAA = r -> ipv6(((AAAARecord) r).getAddress());
    static final Function<org.xbill.DNS.Record, MxRecord> MX =
            r -> new MxRecord(((MXRecord) r).getPriority(), text(((MXRecord) r).getTarget()));
    static final Function<org.xbill.DNS.Record, TlsaRecord> TLSA = r -> {
        TLSARecord tlsa = (TLSARecord) r;
        return new TlsaRecord(tlsa.getCertificateUsage(), tlsa.getSelector(), tlsa.getMatchingType(),
                tlsa.getCertificateAssociationData());
    };
    static final Function<org.xbill.DNS.Record, String> PTR = r -> text(((PTRRecord) r).getTarget());

    @Override
    public Lookup<List<String>> txt(String name) {
        return lookup(name, Type.TXT, TXT);
    }

    @Override
    public Lookup<List<InetAddress>> a(String name) {
        return lookup(name, Type.A, A);
    }

    @Override
    public Lookup<List<InetAddress>> aaaa(String name) {
        return lookup(name, Type.AAAA, AAAA);
    }

    @Override
    public Lookup<List<MxRecord>> mx(String name) {
        return lookup(name, Type.MX, MX);
    }

    @Override
    public Lookup<List<TlsaRecord>> tlsa(String name) {
        return lookup(name, Type.TLSA, TLSA);
    }

    @Override
    public Lookup<List<String>> cname(String name) {
        return lookup(name, Type.CNAME, r -> text(((org.xbill.DNS.CNAMERecord) r).getTarget()));
    }

    @Override
    public Lookup<List<String>> ptr(InetAddress address) {
        return lookup(ReverseMap.fromAddress(address), Type.PTR, PTR);
    }

    private <T> Lookup<List<T>> lookup(String name, int type, Function<org.xbill.DNS.Record, T> convert) {
        Optional<Name> absolute = absoluteName(name);
        if (absolute.isEmpty() || isInvalidTld(absolute.get())) {
            return new Lookup.NoSuchName<>(DnssecStatus.INDETERMINATE);
        }
        return lookup(absolute.get(), type, convert);
    }

    /** RFC 6761 6.4: resolvers should answer every name under "invalid." negatively, at once. */
    private static boolean isInvalidTld(Name name) {
        return name.labels() >= 2 && name.getLabelString(name.labels() - 2).equalsIgnoreCase("invalid");
    }

    private <T> Lookup<List<T>> lookup(Name name, int type, Function<org.xbill.DNS.Record, T> convert) {
        String key = name.toString().toLowerCase(Locale.ROOT);
        Optional<Lookup<List<T>>> cached = cache.get(key, type);
        if (cached.isPresent()) {
            return cached.get();
        }
        Outcome outcome = resolve(name, type);
        Lookup<List<T>> lookup = switch (outcome) {
            case Outcome.Records r -> new Lookup.Found<>(r.records().stream().map(convert).toList(), r.status());
            case Outcome.NoSuchName n -> new Lookup.NoSuchName<>(n.status());
            case Outcome.NoRecords n -> new Lookup.NoRecords<>(n.status());
            case Outcome.Failure f -> new Lookup.Failed<>(f.reason(), f.status());
        };
        cache.put(key, type, lookup, outcome.ttl());
        return lookup;
    }

    /** Asks for {@code name}, following CNAMEs across queries when a reply stops mid-chain. */
    private Outcome resolve(Name name, int type) {
        Name current = name;
        DnssecStatus status = DnssecStatus.SECURE;
        Duration ttl = AnswerCache.MAX_TTL;
        int hops = 0;
        List<Name> seen = new ArrayList<>();
        while (true) {
            Message reply;
            try {
                reply = send(current, type);
            } catch (IOException e) {
                return new Outcome.Failure(e.getMessage(), DnssecStatus.INDETERMINATE);
            }
            Reply parsed = Reply.of(current, type, reply, statusOf(reply, current));
            if (parsed.status() == DnssecStatus.BOGUS) {
                return new Outcome.Failure("DNSSEC validation failed for " + current + ": " + parsed.bogusReason(),
                        DnssecStatus.BOGUS);
            }
            status = weakest(status, parsed.status());
            ttl = min(ttl, parsed.ttl());
            hops += parsed.cnameHops();
            seen.add(current);
            if (hops > MAX_CNAME_HOPS || seen.contains(parsed.finalName()) && parsed.needsFollowing()) {
                return new Outcome.Failure("CNAME chain from " + name + " is too long or loops", DnssecStatus.INDETERMINATE);
            }
            if (!parsed.needsFollowing()) {
                return parsed.outcome(status, ttl);
            }
            current = parsed.finalName();
        }
    }

    private Message send(Name name, int type) throws IOException {
        Message query = Message.newQuery(org.xbill.DNS.Record.newRecord(name, type, DClass.IN));
        try {
            return resolver.sendAsync(query).toCompletableFuture().get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new IOException("lookup of " + name + " " + Type.string(type) + " failed: "
                    + (cause instanceof Upstream.UpstreamException ? cause.getMessage() : String.valueOf(cause)));
        } catch (TimeoutException e) {
            throw new IOException("lookup of " + name + " " + Type.string(type) + " timed out");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while looking up " + name);
        }
    }

    /** RFC 4035 4.3 and 4.9.3: AD set by our own validator means secure; a validator SERVFAIL means bogus. */
    private DnssecStatus statusOf(Message reply, Name name) {
        if (validator.isEmpty()) {
            return DnssecStatus.INDETERMINATE;
        }
        if (reply.getHeader().getFlag(org.xbill.DNS.Flags.AD)) {
            return DnssecStatus.SECURE;
        }
        // Upstream turns every upstream SERVFAIL into a failure, so a SERVFAIL here is the validator's verdict
        if (reply.getRcode() == org.xbill.DNS.Rcode.SERVFAIL) {
            return DnssecStatus.BOGUS;
        }
        // RFC 4035 4.3: no trust anchor above the name leaves its status undecided
        if (validator.get().getTrustAnchors().find(name, DClass.IN) == null) {
            return DnssecStatus.INDETERMINATE;
        }
        return DnssecStatus.INSECURE;
    }

    private static DnssecStatus weakest(DnssecStatus a, DnssecStatus b) {
        return rank(a) >= rank(b) ? a : b;
    }

    private static int rank(DnssecStatus status) {
        return switch (status) {
            case SECURE -> 0;
            case INSECURE -> 1;
            case INDETERMINATE -> 2;
            case BOGUS -> 3;
        };
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** The name in A-labels (RFC 5891 5), absolute; empty when it cannot be a DNS name. */
    static Optional<Name> absoluteName(String name) {
        String trimmed = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (trimmed.isEmpty() || trimmed.length() > 253) {
            return Optional.empty();
        }
        try {
            String ascii = IDN.toASCII(trimmed);
            if (ascii.isEmpty() || ascii.startsWith(".") || ascii.contains("..")) {
                return Optional.empty();
            }
            return Optional.of(Name.fromString(ascii, Name.root));
        } catch (IllegalArgumentException | TextParseException e) {
            return Optional.empty();
        }
    }

    private static String text(Name name) {
        return name.equals(Name.root) ? "." : name.toString(true);
    }

    /**
     * An AAAA record's address stays an IPv6 address, even an IPv4-mapped one (RFC 4291 2.5.5.2), which
     * InetAddress.getByAddress would turn into an Inet4Address (found by fuzzing).
     */
    private static InetAddress ipv6(InetAddress address) {
        try {
            byte[] bytes = address.getAddress();
            if (bytes.length == 4) {
                // dnsjava already handed it over as IPv4: put the ::ffff:0:0/96 prefix back
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xff;
                mapped[11] = (byte) 0xff;
                System.arraycopy(bytes, 0, mapped, 12, 4);
                bytes = mapped;
            }
            return java.net.Inet6Address.getByAddress(null, bytes, -1);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an AAAA record's address has a bad length", e);
        }
    }

    private static InetAddress plainAddress(InetAddress address) {
        try {
            return InetAddress.getByAddress(address.getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a record's address has a bad length", e);
        }
    }

    /** RFC 7208 3.3, RFC 6376 3.6.2.2: a TXT record's strings are one text, joined with nothing between. */
    private static String joinStrings(TXTRecord record) {
        java.io.ByteArrayOutputStream joined = new java.io.ByteArrayOutputStream();
        for (byte[] part : record.getStringsAsByteArrays()) {
            joined.writeBytes(part);
        }
        return joined.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}
