package org.bastionmail.spf;

import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bastionmail.dns.DnsResolver;
import org.bastionmail.dns.DnssecStatus;
import org.bastionmail.dns.Lookup;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * SPF evaluation with every answer already cached (an in-memory resolver): the cost of parsing the
 * records, expanding macros and matching, which is what a busy server pays per message.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SpfBench {
    private SpfVerifier verifier;
    private InetAddress pass;
    private InetAddress fail;

    record CachedDns(Map<String, List<String>> txt, Map<String, List<InetAddress>> a,
            Map<String, List<MxRecord>> mx) implements DnsResolver {
        private static <T> Lookup<List<T>> of(Map<String, List<T>> map, String name) {
            List<T> records = map.get(name.toLowerCase());
            return records == null ? new Lookup.NoSuchName<>(DnssecStatus.INSECURE)
                    : new Lookup.Found<>(records, DnssecStatus.INSECURE);
        }

        @Override
        public Lookup<List<String>> txt(String name) {
            return of(txt, name);
        }

        @Override
        public Lookup<List<InetAddress>> a(String name) {
            return of(a, name);
        }

        @Override
        public Lookup<List<InetAddress>> aaaa(String name) {
            return new Lookup.NoRecords<>(DnssecStatus.INSECURE);
        }

        @Override
        public Lookup<List<MxRecord>> mx(String name) {
            return of(mx, name);
        }

        @Override
        public Lookup<List<String>> ptr(InetAddress address) {
            return new Lookup.NoSuchName<>(DnssecStatus.INSECURE);
        }
    }

    @Setup
    public void setup() throws Exception {
        // a realistic record: includes, a, mx, ip4 ranges, and a macro in an exists
        DnsResolver dns = new CachedDns(
                Map.of("example.org", List.of("v=spf1 a mx include:_spf.example.net exists:%{i}._ip.example.org -all"),
                        "_spf.example.net", List.of("v=spf1 ip4:198.51.100.0/24 ip4:203.0.113.0/25 ip6:2001:db8::/32 ~all"),
                        "192.0.2.200._ip.example.org", List.of("v=spf1")),
                Map.of("example.org", List.of(InetAddress.getByName("192.0.2.10")),
                        "mx1.example.org", List.of(InetAddress.getByName("192.0.2.20")),
                        "192.0.2.200._ip.example.org", List.of(InetAddress.getByName("127.0.0.2"))),
                Map.of("example.org", List.of(new DnsResolver.MxRecord(10, "mx1.example.org"))));
        verifier = new SpfVerifier(dns, Clock.systemUTC(), "mx.bastion.bench");
        pass = InetAddress.getByName("203.0.113.77");
        fail = InetAddress.getByName("192.0.2.99");
    }

    @Benchmark
    public SpfResult passByInclude() {
        return verifier.checkMailFrom(pass, "alice@example.org", "mail.example.org");
    }

    @Benchmark
    public SpfResult failAfterEverything() {
        return verifier.checkMailFrom(fail, "alice@example.org", "mail.example.org");
    }
}
