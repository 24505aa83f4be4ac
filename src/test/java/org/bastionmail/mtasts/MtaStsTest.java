package org.bastionmail.mtasts;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.bastionmail.dns.DnsResolver;
import org.bastionmail.dns.DnssecStatus;
import org.bastionmail.dns.Lookup;
import org.bastionmail.tlsrpt.ResultType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.bastionmail.net.HandClock;

/** Discovery and caching (RFC 8461 5.1) with a scripted DNS and fetcher and a clock the test moves. */
class MtaStsTest {
    private static final String POLICY = "version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 86400\n";
    private static final String POLICY2 = "version: STSv1\nmode: testing\nmx: *.example.com\nmax_age: 86400\n";

    @TempDir
    Path dataDir;

    private final HandClock clock = new HandClock(Instant.parse("2026-11-27T10:00:00Z"));
    private final FakeDns dns = new FakeDns();
    private final ScriptedFetcher fetcher = new ScriptedFetcher();

    private MtaSts mtaSts() {
        return new MtaSts(dns, fetcher, dataDir, clock);
    }

    @Test
    void noRecordNoPolicy() {
        assertThat(mtaSts().discover("example.com")).isInstanceOf(StsDiscovery.Absent.class);
        assertThat(fetcher.calls.get()).isZero();
    }

    @Test
    void fetchesOnceAndServesFromTheCacheWhileTheIdIsUnchanged() {
        dns.txt.put("_mta-sts.example.com", List.of("v=STSv1; id=one"));
        fetcher.next.add(new PolicyFetcher.Fetched(POLICY));
        MtaSts sts = mtaSts();
        StsDiscovery first = sts.discover("Example.COM");
        assertThat(first).isInstanceOfSatisfying(StsDiscovery.Found.class, f -> {
            assertThat(f.policy().mode()).isEqualTo(StsMode.ENFORCE);
            assertThat(f.cached().id()).isEqualTo("one");
            assertThat(f.cached().expires()).isEqualTo(clock.instant().plus(Duration.ofDays(1)));
        });
        clock.advance(Duration.ofHours(23));
        assertThat(sts.discover("example.com")).isInstanceOf(StsDiscovery.Found.class);
        assertThat(fetcher.calls.get()).isEqualTo(1);
    }

    @Test
    void aNewIdMeansANewFetch() {
        dns.txt.put("_mta-sts.example.com", List.of("v=STSv1; id=one"));
        fetcher.next.add(new PolicyFetcher.Fetched(POLICY));
        MtaSts sts = mtaSts();
        sts.discover("example.com");
        dns.txt.put("_mta-sts.example.com", List.of("v=STSv1; id=two"));
        fetcher.next.add(new PolicyFetcher.Fetched(POLICY2));
        assertThat(sts.discover("example.com")).isInstanceOfSatisfying(StsDiscovery.Found.class, f -> {
            assertThat(f.policy().mode()).isEqualTo(StsMode.TESTING);
            assertThat(f.cached().id()).isEqualTo("two");
        });
        assertThat(fetcher.calls.get()).isEqualTo(2);
    }

    @Test
    void anExpiredPolicyIsFetchedAgainEvenWithTheSameId() {
        dns.txt.put("_mta-sts.example.com", List.of("v=STSv1; id=one"));
        fetcher.next.add(new PolicyFetcher.Fetched(POLICY));
        fetcher.next.add(new PolicyFetcher.Fetched(POLICY2));
        MtaSts sts = mtaSts();
        sts.discover("example.com");
        clock.advance(Duration.ofDays(1));
        assertThat(sts.discover("example.com")).isInstanceOfSatisfying(StsDiscovery.Found.class,
                f -> assertThat(f.policy().mode()).isEqualTo(StsMode.TESTING));
        assertThat(fetcher.calls.get()).isEqualTo(2);
    }

    @Test
    void aFailedRefreshKeepsTheCachedPolicyAndReportsWhy() {
        dns.txt.put("_mta-sts.example.com", List.of("v=STSv1; id=one"));
        fetcher.next.add(new PolicyFetcher.Fetched(POLICY));
        MtaSts sts = mtaSts();
        sts.discover("example.com");
        dns.txt.put("_mta-sts.example.com", List.of("v=STSv1; id=two"));
        fetcher.next.add(new PolicyFetcher.Failed(ResultType.STS_WEBPKI_INVALID, "bad certificate"));
        assertThat(sts.discover("example.com")).isInstanceOfSatisfying(StsDiscovery.Found.class, f -> {
            assertThat(f.cached().id()).isEqualTo("one");
            assertThat(f.refreshProblem()).contains(new StsDiscovery.Problem(ResultType.STS_WEBPKI_INVALID, "bad certificate"));
        });
        // an invalid new policy does not replace the good one either
        fetcher.next.add(new PolicyFetcher.Fetched("version: STSv1\nmode: strict\n"));
        assertThat(sts.discover("example.com")).isInstanceOfSatisfying(StsDiscovery.Found.class, f -> {
            assertThat(f.cached().id()).isEqualTo("one");
            assertThat(f.refreshProblem()).get().extracting(StsDiscovery.Problem::type).isEqualTo(ResultType.STS_POLICY_INVALID);
        });
    }

    @Test
    void aCachedPolicyOutlivesTheRecordUntilItExpires() {
        dns.txt.put("_mta-sts.example.com", List.of("v=STSv1; id=one"));
        fetcher.next.add(new PolicyFetcher.Fetched(POLICY));
        MtaSts sts = mtaSts();
        sts.discover("example.com");
        dns.txt.remove("_mta-sts.example.com");
        assertThat(sts.discover("example.com")).isInstanceOf(StsDiscovery.Found.class);
        dns.failing = true; // a DNS outage is no reason to drop the policy either
        assertThat(sts.discover("example.com")).isInstanceOf(StsDiscovery.Found.class);
        clock.advance(Duration.ofDays(1).plusSeconds(1));
        assertThat(sts.discover("example.com")).isInstanceOf(StsDiscovery.Absent.class);
    }

    @Test
    void aRecordWithoutAFetchablePolicyIsUnavailable() {
        dns.txt.put("_mta-sts.example.com", List.of("v=STSv1; id=one"));
        fetcher.next.add(new PolicyFetcher.Failed(ResultType.STS_POLICY_FETCH_ERROR, "connection refused"));
        assertThat(mtaSts().discover("example.com")).isEqualTo(
                new StsDiscovery.Unavailable(new StsDiscovery.Problem(ResultType.STS_POLICY_FETCH_ERROR, "connection refused")));
    }

    @Test
    void ambiguousOrMalformedRecordsMeanNoPolicy() {
        dns.txt.put("_mta-sts.example.com", List.of("v=STSv1; id=one", "v=STSv1; id=two"));
        dns.txt.put("_mta-sts.example.org", List.of("v=STSv1; id=not-alnum"));
        MtaSts sts = mtaSts();
        assertThat(sts.discover("example.com")).isInstanceOf(StsDiscovery.Absent.class);
        assertThat(sts.discover("example.org")).isInstanceOf(StsDiscovery.Absent.class);
        assertThat(fetcher.calls.get()).isZero();
    }

    @Test
    void policiesSurviveARestart() throws Exception {
        dns.txt.put("_mta-sts.example.com", List.of("v=STSv1; id=one"));
        fetcher.next.add(new PolicyFetcher.Fetched(POLICY));
        mtaSts().discover("example.com");
        assertThat(dataDir.resolve("mta-sts/example.com.json")).exists();
        fetcher.next.add(new PolicyFetcher.Failed(ResultType.STS_POLICY_FETCH_ERROR, "down"));
        dns.txt.remove("_mta-sts.example.com");
        assertThat(mtaSts().discover("example.com")).isInstanceOfSatisfying(StsDiscovery.Found.class,
                f -> assertThat(f.policy().mx()).containsExactly("mx.example.com"));
        assertThat(fetcher.calls.get()).isEqualTo(1);
    }

    @Test
    void aTamperedCacheFileIsIgnored() throws Exception {
        Files.createDirectories(dataDir.resolve("mta-sts"));
        Files.writeString(dataDir.resolve("mta-sts/example.com.json"),
                "{\"domain\":\"example.com\",\"id\":\"x\",\"fetched\":\"2026-11-27T09:00:00Z\",\"policy\":\"mode: enforce\"}");
        Files.writeString(dataDir.resolve("mta-sts/example.org.json"),
                "{\"domain\":\"example.com\",\"id\":\"x\",\"fetched\":\"2026-11-27T09:00:00Z\",\"policy\":\"" + POLICY.replace("\n", "\\n") + "\"}");
        Files.writeString(dataDir.resolve("mta-sts/example.net.json"), "{not json");
        MtaSts sts = mtaSts();
        assertThat(sts.discover("example.com")).isInstanceOf(StsDiscovery.Absent.class);
        assertThat(sts.discover("example.org")).isInstanceOf(StsDiscovery.Absent.class);
        assertThat(sts.discover("example.net")).isInstanceOf(StsDiscovery.Absent.class);
    }

    @Test
    void oddDomainNamesNeverBecomePaths() {
        assertThat(StsPolicyStore.storable("example.com")).isTrue();
        assertThat(StsPolicyStore.storable("../etc")).isFalse();
        assertThat(StsPolicyStore.storable("a/b.com")).isFalse();
        assertThat(StsPolicyStore.storable("com")).isFalse();
        assertThat(mtaSts().discover("..")).isInstanceOf(StsDiscovery.Absent.class);
    }

    static final class FakeDns implements DnsResolver {
        final Map<String, List<String>> txt = new ConcurrentHashMap<>();
        volatile boolean failing;

        @Override
        public Lookup<List<String>> txt(String name) {
            if (failing) {
                return new Lookup.Failed<>("timeout", DnssecStatus.INDETERMINATE);
            }
            List<String> records = txt.get(name);
            return records == null ? new Lookup.NoSuchName<>(DnssecStatus.INSECURE) : new Lookup.Found<>(records, DnssecStatus.INSECURE);
        }

        @Override
        public Lookup<List<InetAddress>> a(String name) {
            return new Lookup.NoSuchName<>(DnssecStatus.INSECURE);
        }

        @Override
        public Lookup<List<InetAddress>> aaaa(String name) {
            return new Lookup.NoSuchName<>(DnssecStatus.INSECURE);
        }

        @Override
        public Lookup<List<MxRecord>> mx(String name) {
            return new Lookup.NoSuchName<>(DnssecStatus.INSECURE);
        }

        @Override
        public Lookup<List<String>> ptr(InetAddress address) {
            return new Lookup.NoSuchName<>(DnssecStatus.INSECURE);
        }
    }

    static final class ScriptedFetcher implements PolicyFetcher {
        final Deque<Fetch> next = new ArrayDeque<>();
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public Fetch fetch(String policyDomain) {
            calls.incrementAndGet();
            return Optional.ofNullable(next.poll()).orElseThrow(() -> new AssertionError("unexpected fetch for " + policyDomain));
        }
    }
}
