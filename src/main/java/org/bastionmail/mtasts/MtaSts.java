package org.bastionmail.mtasts;

import java.net.IDN;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.bastionmail.dns.DnsResolver;
import org.bastionmail.dns.Lookup;
import org.bastionmail.mtasts.StsDiscovery.Problem;
import org.bastionmail.tlsrpt.ResultType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MTA-STS policy discovery with its cache (RFC 8461 3 and 5.1): the TXT record says whether a policy
 * exists and which one; a policy is fetched when none is cached, the cached one has expired, or the
 * TXT id changed; a cached, unexpired policy stands in whenever discovery or the fetch fails.
 *
 * <p>Safe for concurrent use. Two deliveries to the same domain at the same instant may both fetch;
 * the later fetch wins, which is harmless.
 */
public final class MtaSts {
    private static final Logger LOG = LoggerFactory.getLogger(MtaSts.class);

    private final DnsResolver dns;
    private final PolicyFetcher fetcher;
    private final StsPolicyStore store;
    private final Clock clock;
    private final Map<String, CachedPolicy> memory = new ConcurrentHashMap<>();

    /**
     * @param dataDir the server's data directory; policies live in {@code dataDir/mta-sts/}
     */
    public MtaSts(DnsResolver dns, PolicyFetcher fetcher, Path dataDir, Clock clock) {
        this.dns = Objects.requireNonNull(dns, "dns");
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
        this.store = new StsPolicyStore(dataDir);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Discovers the policy of recipient domain {@code domain} (RFC 8461 5.1 steps 1 to 3). */
    public StsDiscovery discover(String domain) {
        String name;
        try {
            name = HostPattern.normalize(IDN.toASCII(domain, IDN.ALLOW_UNASSIGNED));
        } catch (IllegalArgumentException e) {
            return new StsDiscovery.Absent();
        }
        Instant now = clock.instant();
        Optional<CachedPolicy> cached = cached(name).filter(c -> c.isFresh(now));
        Optional<StsRecord> record = record(name);
        if (record.isEmpty()) {
            // RFC 8461 3.1/5.1: no valid record is no live policy; an unexpired cached one still applies
            // (that is why RFC 8461 8.3 has domains publish mode "none" before removing the record).
            return cached.<StsDiscovery>map(c -> new StsDiscovery.Found(c, Optional.empty()))
                    .orElseGet(StsDiscovery.Absent::new);
        }
        String id = record.get().id();
        if (cached.isPresent() && cached.get().id().equals(id)) {
            return new StsDiscovery.Found(cached.get(), Optional.empty());
        }
        Problem problem;
        switch (fetcher.fetch(name)) {
            case PolicyFetcher.Fetched(String body) -> {
                try {
                    CachedPolicy fresh = new CachedPolicy(name, id, StsPolicy.parse(body), now);
                    memory.put(name, fresh);
                    store.save(fresh);
                    return new StsDiscovery.Found(fresh, Optional.empty());
                } catch (StsSyntaxException e) {
                    problem = new Problem(ResultType.STS_POLICY_INVALID, "policy of " + name + ": " + e.getMessage());
                }
            }
            case PolicyFetcher.Failed(ResultType type, String reason) -> problem = new Problem(type, reason);
        }
        LOG.info("MTA-STS policy of {} not fetched: {}", name, problem.detail());
        if (cached.isPresent()) {
            return new StsDiscovery.Found(cached.get(), Optional.of(problem));
        }
        return new StsDiscovery.Unavailable(problem);
    }

    private Optional<CachedPolicy> cached(String domain) {
        CachedPolicy held = memory.get(domain);
        if (held != null) {
            return Optional.of(held);
        }
        Optional<CachedPolicy> loaded = store.load(domain);
        loaded.ifPresent(c -> memory.putIfAbsent(domain, c));
        return loaded;
    }

    /** RFC 8461 3.1: the TXT record at {@code _mta-sts.DOMAIN}; a CNAME there is followed by the resolver. */
    private Optional<StsRecord> record(String domain) {
        Lookup<List<String>> lookup = dns.txt("_mta-sts." + domain);
        if (!(lookup instanceof Lookup.Found<List<String>> found)) {
            return Optional.empty();
        }
        try {
            return Optional.of(StsRecord.select(found.records()));
        } catch (StsSyntaxException e) {
            LOG.debug("no usable MTA-STS record for {}: {}", domain, e.getMessage());
            return Optional.empty();
        }
    }
}
