package org.bastionmail.dkim;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bastionmail.dns.DnsResolver;
import org.bastionmail.dns.Lookup;

/**
 * Verifies the DKIM signatures of a message (RFC 6376 6, RFC 8463, RFC 8301): one {@link DkimResult} per
 * DKIM-Signature header field, in the order they appear, or a single {@link DkimVerdict#NONE} when there are none.
 *
 * <p>Accepted: rsa-sha256 and ed25519-sha256. rsa-sha1 and RSA keys under 1024 bits are refused (RFC 8301).
 * The message is the whole RFC 5322 message with CRLF line ends. Safe to share between threads.
 */
public final class DkimVerifier {
    /**
     * Bounds on the work one message can cause.
     *
     * @param maxHeaderFields header fields read before the message is refused
     * @param maxHeaderBytes size of the header section before the message is refused
     * @param maxSignatures signatures evaluated (each costs a DNS lookup); later ones are reported neutral
     * @param clockSkewSeconds how far in the future a {@code t=} may be before the signature is refused; generous
     *     by default (a day), as signers' clocks are often off and the check only catches absurd timestamps
     */
    public record Limits(int maxHeaderFields, int maxHeaderBytes, int maxSignatures, long clockSkewSeconds) {
        public static final Limits DEFAULT = new Limits(1000, 1024 * 1024, 10, 24 * 3600);

        public Limits {
            if (maxHeaderFields < 1 || maxHeaderBytes < 1 || maxSignatures < 1 || clockSkewSeconds < 0) {
                throw new IllegalArgumentException("DKIM limits must be positive");
            }
        }
    }

    private final DnsResolver dns;
    private final Clock clock;
    private final Limits limits;

    public DkimVerifier(DnsResolver dns, Clock clock) {
        this(dns, clock, Limits.DEFAULT);
    }

    public DkimVerifier(DnsResolver dns, Clock clock, Limits limits) {
        this.dns = Objects.requireNonNull(dns, "dns");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * Verifies every DKIM-Signature of the message. A message whose header section cannot be read (or is over
     * the limits) gives a single {@link DkimVerdict#PERMERROR} result with empty domain and selector.
     */
    public List<DkimResult> verify(byte[] message) {
        HeaderSection header;
        try {
            header = HeaderSection.parse(message, limits.maxHeaderFields(), limits.maxHeaderBytes());
        } catch (DkimFailure e) {
            return List.of(new DkimResult(e.verdict, "", "", "", "", Optional.of(e.getMessage()), false, false));
        }
        List<HeaderField> signatures = header.fields().stream().filter(f -> f.hasName("DKIM-Signature")).toList();
        if (signatures.isEmpty()) {
            return List.of(new DkimResult(DkimVerdict.NONE, "", "", "", "", Optional.empty(), false, false));
        }
        List<DkimResult> results = new ArrayList<>(signatures.size());
        for (HeaderField field : signatures) {
            if (results.size() >= limits.maxSignatures()) {
                DkimSignature.Labels l = DkimSignature.Labels.of(field.value());
                results.add(new DkimResult(DkimVerdict.NEUTRAL, l.domain(), l.selector(), l.algorithm(), l.identity(),
                        Optional.of("not evaluated: more than " + limits.maxSignatures() + " signatures"), false, false));
            } else {
                results.add(verifyOne(message, header, field));
            }
        }
        return List.copyOf(results);
    }

    private DkimResult verifyOne(byte[] message, HeaderSection header, HeaderField field) {
        DkimSignature sig;
        try {
            sig = DkimSignature.parse(field.value());
        } catch (DkimFailure e) {
            DkimSignature.Labels l = DkimSignature.Labels.of(field.value());
            return new DkimResult(e.verdict, l.domain(), l.selector(), l.algorithm(), l.identity(),
                    Optional.of(e.getMessage()), false, false);
        }
        boolean testing = false;
        boolean limited = false;
        try {
            DkimAlgorithm algorithm = acceptedAlgorithm(sig.algorithm());
            checkTimes(sig);
            KeyRecord key = fetchKey(sig, algorithm);
            testing = key.testing();
            // RFC 6376 3.6.1 t=s: the i= domain must be exactly d=
            if (key.strict() && !sig.identity().substring(sig.identity().lastIndexOf('@') + 1).equalsIgnoreCase(sig.domain())) {
                throw DkimFailure.perm("key requires i= in exactly d= (t=s)");
            }

            // RFC 6376 6.1.3: the body hash first, then the header signature
            BodyHasher body = new BodyHasher(sig.bodyCanonicalization(), sig.bodyLength().orElse(-1));
            body.update(message, header.bodyOffset(), message.length - header.bodyOffset());
            byte[] bodyHash = body.finish();
            if (sig.bodyLength().isPresent()) {
                long l = sig.bodyLength().getAsLong();
                // RFC 6376 3.5 l=: a count beyond the body cannot have been produced by the signer
                if (l > body.canonicalLength()) {
                    throw new DkimFailure(DkimVerdict.FAIL, "l=" + l + " is longer than the body");
                }
                // RFC 6376 8.2: content after the signed length was added by someone else
                limited = l < body.canonicalLength();
            }
            if (!MessageDigest.isEqual(bodyHash, sig.bodyHash())) {
                throw new DkimFailure(DkimVerdict.FAIL, "body hash did not verify");
            }
            byte[] input = SigningInput.of(header.fields(), sig.signedHeaders(), sig.headerCanonicalization(), field);
            if (!signatureVerifies(algorithm, key, input, sig.signature())) {
                throw new DkimFailure(DkimVerdict.FAIL, "signature did not verify");
            }
            return result(sig, DkimVerdict.PASS, Optional.empty(), limited, testing);
        } catch (DkimFailure e) {
            return result(sig, e.verdict, Optional.of(e.getMessage()), limited, testing);
        }
    }

    private static DkimAlgorithm acceptedAlgorithm(String tag) throws DkimFailure {
        if (tag.equals("rsa-sha1")) {
            // RFC 8301 3.1: verifiers MUST NOT consider rsa-sha1 signatures valid
            throw DkimFailure.perm("rsa-sha1 is too weak (RFC 8301)");
        }
        return DkimAlgorithm.ofTag(tag)
                .orElseThrow(() -> DkimFailure.perm("unsupported algorithm a=" + TagList.abbreviate(tag)));
    }

    private void checkTimes(DkimSignature sig) throws DkimFailure {
        long now = clock.instant().getEpochSecond();
        // RFC 6376 3.5 x=: a signature past its expiry MUST be considered invalid
        if (sig.expiry().isPresent() && now > sig.expiry().getAsLong()) {
            throw DkimFailure.perm("signature expired (x=" + sig.expiry().getAsLong() + ")");
        }
        // RFC 6376 3.5 t=: verifiers may ignore signatures from the future; allow for clock skew
        if (sig.timestamp().isPresent() && sig.timestamp().getAsLong() > now + limits.clockSkewSeconds()) {
            throw DkimFailure.perm("signature timestamp t= is in the future");
        }
    }

    private KeyRecord fetchKey(DkimSignature sig, DkimAlgorithm algorithm) throws DkimFailure {
        // RFC 6376 3.6.2.1: the key is a TXT record at <selector>._domainkey.<domain>
        String name = sig.selector() + "._domainkey." + sig.domain();
        return switch (dns.txt(name)) {
            case Lookup.Found<List<String>> found -> firstUsable(found.records(), algorithm, name);
            case Lookup.NoSuchName<List<String>> _, Lookup.NoRecords<List<String>> _ ->
                    throw DkimFailure.perm("no key at " + name);
            // RFC 6376 6.1.2: a DNS failure is TEMPFAIL, the message may verify later
            case Lookup.Failed<List<String>> failed ->
                    throw new DkimFailure(DkimVerdict.TEMPERROR, "key lookup failed for " + name + ": " + failed.reason());
        };
    }

    // RFC 6376 3.6.2.2: with several records the verifier may use any; the first usable one is taken, and
    // the first record's problem is reported when none is usable
    private static KeyRecord firstUsable(List<String> records, DkimAlgorithm algorithm, String name) throws DkimFailure {
        DkimFailure first = null;
        for (String record : records.subList(0, Math.min(records.size(), 5))) {
            try {
                return KeyRecord.parse(record, algorithm);
            } catch (DkimFailure e) {
                first = first == null ? e : first;
            }
        }
        throw first != null ? first : DkimFailure.perm("no key at " + name);
    }

    private static boolean signatureVerifies(DkimAlgorithm algorithm, KeyRecord key, byte[] input, byte[] signature)
            throws DkimFailure {
        try {
            Signature verifier;
            byte[] data;
            if (algorithm == DkimAlgorithm.ED25519_SHA256) {
                // RFC 8463 3: Ed25519 signs the SHA-256 hash of the data, not the data itself
                verifier = Signature.getInstance("Ed25519");
                data = MessageDigest.getInstance("SHA-256").digest(input);
            } else {
                verifier = Signature.getInstance("SHA256withRSA");
                data = input;
            }
            verifier.initVerify(key.key());
            verifier.update(data);
            return verifier.verify(signature);
        } catch (java.security.SignatureException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw DkimFailure.perm("key unusable for " + algorithm.tag());
        }
    }

    private static DkimResult result(DkimSignature sig, DkimVerdict verdict, Optional<String> reason, boolean limited,
            boolean testing) {
        return new DkimResult(verdict, sig.domain(), sig.selector(), sig.algorithm(), sig.identity(), reason, limited,
                testing);
    }
}
