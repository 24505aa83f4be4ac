package org.bastionmail.dns.testserver;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Master;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A zone held in memory for {@link TestDnsServer}, defined from zone-file text (RFC 1035 5) and optionally
 * signed with a fresh ECDSA P-256 key (RFC 6605) and an NSEC chain (RFC 4034 4, RFC 4035 2.3).
 */
public final class TestZone {
    private final Name origin;
    /** Owner names in DNSSEC canonical order (RFC 4034 6.1), which {@link Name#compareTo} implements. */
    private final TreeMap<Name, Map<Integer, RRset>> names = new TreeMap<>();
    private Optional<DNSKEYRecord> key = Optional.empty();
    private Optional<KeyPair> keyPair = Optional.empty();

    private TestZone(Name origin) {
        this.origin = origin;
    }

    /**
     * A zone from zone-file text; relative names are relative to {@code origin}, the default TTL is 3600.
     * It must have a SOA record at the apex.
     */
    public static TestZone parse(String origin, String zoneText) {
        TestZone zone = new TestZone(name(origin));
        zone.add(zoneText);
        if (zone.rrset(zone.origin, Type.SOA).isEmpty()) {
            throw new IllegalArgumentException("zone " + origin + " has no SOA record");
        }
        return zone;
    }

    /** Adds records (zone-file text) to the zone. */
    public TestZone add(String zoneText) {
        try (Master master = new Master(new ByteArrayInputStream(zoneText.getBytes(StandardCharsets.UTF_8)), origin, 3600)) {
            Record r;
            while ((r = master.nextRecord()) != null) {
                add(r);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("bad zone text: " + e.getMessage(), e);
        }
        return this;
    }

    private void add(Record r) {
        if (!r.getName().subdomain(origin)) {
            throw new IllegalArgumentException(r.getName() + " is outside zone " + origin);
        }
        names.computeIfAbsent(r.getName(), n -> new TreeMap<>())
                .computeIfAbsent(r.getRRsetType(), t -> new RRset())
                .addRR(r);
    }

    /** Delegates {@code child} from this zone: an NS record and, when the child is signed, its DS (RFC 4035 2.4). */
    public TestZone delegate(TestZone child) {
        if (!child.origin.subdomain(origin) || child.origin.equals(origin)) {
            throw new IllegalArgumentException(child.origin + " is not below " + origin);
        }
        add(new NSRecord(child.origin, DClass.IN, 3600, name("ns." + child.origin)));
        child.ds().ifPresent(this::add);
        return this;
    }

    /**
     * Signs the zone with a new key: DNSKEY at the apex, an NSEC chain, RRSIGs on every authoritative
     * RRset (not on delegation NS sets, RFC 4035 2.2), valid from an hour ago for a week.
     */
    public TestZone sign() {
        return sign(Instant.now().minus(1, ChronoUnit.HOURS), Instant.now().plus(7, ChronoUnit.DAYS));
    }

    /** Signs with the given validity window; a window in the past makes every signature expired. */
    public TestZone sign(Instant inception, Instant expiration) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            // flags 257: zone key + secure entry point (RFC 4034 2.1.1)
            DNSKEYRecord dnskey = new DNSKEYRecord(origin, DClass.IN, 3600, 257, DNSKEYRecord.Protocol.DNSSEC,
                    DNSSEC.Algorithm.ECDSAP256SHA256, pair.getPublic());
            add(dnskey);
            addNsecChain();
            for (Map.Entry<Name, Map<Integer, RRset>> entry : names.entrySet()) {
                for (RRset rrset : entry.getValue().values()) {
                    boolean delegation = rrset.getType() == Type.NS && !entry.getKey().equals(origin);
                    if (!delegation) {
                        rrset.addRR(DNSSEC.sign(rrset, dnskey, pair.getPrivate(), inception, expiration));
                    }
                }
            }
            this.key = Optional.of(dnskey);
            this.keyPair = Optional.of(pair);
            return this;
        } catch (GeneralSecurityException | DNSSEC.DNSSECException e) {
            throw new IllegalStateException("cannot sign " + origin, e);
        }
    }

    private void addNsecChain() {
        long ttl = ((SOARecord) rrset(origin, Type.SOA).orElseThrow().first()).getMinimum();
        List<Name> owners = new ArrayList<>(names.keySet());
        for (int i = 0; i < owners.size(); i++) {
            Name owner = owners.get(i);
            Name next = owners.get((i + 1) % owners.size());
            List<Integer> types = new ArrayList<>(names.get(owner).keySet());
            types.add(Type.NSEC);
            types.add(Type.RRSIG);
            add(new NSECRecord(owner, DClass.IN, ttl, next, types.stream().mapToInt(Integer::intValue).toArray()));
        }
    }

    /** Replaces the signature over one RRset with one whose bytes are flipped: the RRset is then bogus. */
    public TestZone corruptSignature(String owner, int type) {
        RRset rrset = rrset(name(owner), type).orElseThrow(() -> new IllegalArgumentException("no " + owner + "/" + type));
        RRSIGRecord sig = rrset.sigs().getFirst();
        byte[] signature = sig.getSignature().clone();
        signature[signature.length / 2] ^= 0x5a;
        rrset.deleteRR(sig);
        rrset.addRR(new RRSIGRecord(sig.getName(), sig.getDClass(), sig.getTTL(), sig.getTypeCovered(),
                sig.getAlgorithm(), sig.getOrigTTL(), sig.getExpire(), sig.getTimeSigned(), sig.getFootprint(),
                sig.getSigner(), signature));
        return this;
    }

    /** The DS record for this zone's key (SHA-256), to put in the parent or in a trust anchor file. */
    public Optional<DSRecord> ds() {
        return key.map(k -> new DSRecord(origin, DClass.IN, 3600, DNSSEC.Digest.SHA256, k));
    }

    public Name origin() {
        return origin;
    }

    public boolean signed() {
        return keyPair.isPresent();
    }

    Optional<RRset> rrset(Name owner, int type) {
        Map<Integer, RRset> types = names.get(owner);
        return types == null ? Optional.empty() : Optional.ofNullable(types.get(type));
    }

    boolean exists(Name owner) {
        return names.containsKey(owner);
    }

    /** The NSEC whose owner comes last before {@code owner} in canonical order, or at it: covering or matching it. */
    Optional<RRset> nsecCovering(Name owner) {
        Map.Entry<Name, Map<Integer, RRset>> entry = names.floorEntry(owner);
        return entry == null ? Optional.empty() : Optional.ofNullable(entry.getValue().get(Type.NSEC));
    }

    /** The longest existing ancestor of {@code owner} (RFC 4592 3.3.1). */
    Name closestEncloser(Name owner) {
        Name candidate = owner;
        while (!candidate.equals(origin) && !exists(candidate)) {
            candidate = new Name(candidate, 1);
        }
        return candidate;
    }

    static Name name(String text) {
        try {
            return Name.fromString(text.endsWith(".") ? text : text + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
