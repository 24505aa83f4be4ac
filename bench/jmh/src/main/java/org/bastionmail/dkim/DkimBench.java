package org.bastionmail.dkim;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** DKIM verification of a signed message, the key record served from memory (no DNS). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DkimBench {
    @Param({"RSA_SHA256", "ED25519_SHA256"})
    DkimAlgorithm algorithm;

    @Param({"5120", "102400"})
    int size;

    private DkimVerifier verifier;
    private byte[] signed;

    /** Answers TXT from a map; everything else does not exist. */
    record StaticDns(Map<String, String> txt) implements DnsResolver {
        @Override
        public Lookup<List<String>> txt(String name) {
            String record = txt.get(name.toLowerCase());
            return record == null ? new Lookup.NoSuchName<>(DnssecStatus.INSECURE)
                    : new Lookup.Found<>(List.of(record), DnssecStatus.INSECURE);
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

    @Setup
    public void setup() {
        DkimSigningKey key = DkimKeys.generate("example.org", "bench", algorithm);
        StringBuilder text = new StringBuilder("From: Alice <alice@example.org>\r\nTo: bob@example.net\r\n"
                + "Subject: benchmark\r\nDate: Thu, 26 Nov 2026 10:00:00 +0000\r\nMessage-ID: <1@example.org>\r\n\r\n");
        while (text.length() < size) {
            text.append("The quick brown fox jumps over the lazy dog, again and again and again.\r\n");
        }
        byte[] message = text.toString().getBytes(StandardCharsets.US_ASCII);
        String signature = new DkimSigner(key, Clock.systemUTC()).sign(message);
        signed = (signature + text).getBytes(StandardCharsets.US_ASCII);
        verifier = new DkimVerifier(new StaticDns(Map.of(key.dnsRecordName().toLowerCase(), key.dnsRecord())),
                Clock.systemUTC());
        List<DkimResult> check = verifier.verify(signed);
        if (check.isEmpty() || !check.getFirst().toString().toLowerCase().contains("pass")) {
            throw new IllegalStateException("the benchmark message does not verify: " + check);
        }
    }

    @Benchmark
    public List<DkimResult> verify() {
        return verifier.verify(signed);
    }
}
