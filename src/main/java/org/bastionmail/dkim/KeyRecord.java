package org.bastionmail.dkim;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A DKIM key record published at {@code <selector>._domainkey.<domain>} (RFC 6376 3.6.1).
 *
 * @param testing {@code t=y}: the domain is testing DKIM
 * @param strict {@code t=s}: the {@code i=} domain must equal {@code d=}, not be a subdomain of it
 */
record KeyRecord(String keyType, PublicKey key, boolean testing, boolean strict) {
    /** RFC 8301 3.2: verifiers must not accept RSA keys shorter than 1024 bits. */
    static final int MIN_RSA_BITS = 1024;
    /** Larger RSA keys only cost the verifier time; 8192 bits is far beyond what anyone publishes. */
    static final int MAX_RSA_BITS = 8192;

    // RFC 8410 3: the DER prefix of an Ed25519 SubjectPublicKeyInfo; RFC 8463 4.2 publishes the bare 32 bytes
    private static final byte[] ED25519_SPKI_PREFIX = {
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    /** Parses a record and checks it can verify a signature made with the given algorithm. */
    static KeyRecord parse(String text, DkimAlgorithm algorithm) throws DkimFailure {
        TagList tags = TagList.parse(text);
        // RFC 6376 3.6.1 v=: if present, it must be the first tag and be "DKIM1"
        Optional<String> v = tags.get("v");
        if (v.isPresent() && (!v.get().equals("DKIM1") || !tags.tags().keySet().iterator().next().equals("v"))) {
            throw DkimFailure.perm("key record: bad v=");
        }
        // h= acceptable hash algorithms; absent means all
        Optional<String> h = tags.get("h");
        if (h.isPresent() && !colonList(h.get()).contains("sha256")) {
            throw DkimFailure.perm("key record does not allow sha256 (h=" + TagList.abbreviate(h.get()) + ")");
        }
        String keyType = tags.get("k").orElse("rsa").toLowerCase(Locale.ROOT);
        if (!keyType.equals(algorithm.keyType())) {
            throw DkimFailure.perm("key type k=" + TagList.abbreviate(keyType) + " does not match a=" + algorithm.tag());
        }
        // s= service types: "*" or "email" must be listed
        Optional<String> s = tags.get("s");
        if (s.isPresent() && !colonList(s.get()).contains("*") && !colonList(s.get()).contains("email")) {
            throw DkimFailure.perm("key record is not for email (s=" + TagList.abbreviate(s.get()) + ")");
        }
        List<String> flags = tags.get("t").map(KeyRecord::colonList).orElse(List.of());
        String p = TagList.withoutFws(tags.require("p"));
        // RFC 6376 3.6.1 p=: an empty value means the key was revoked
        if (p.isEmpty()) {
            throw DkimFailure.perm("key revoked (empty p=)");
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(p);
        } catch (IllegalArgumentException e) {
            throw DkimFailure.perm("bad base64 in key record p=");
        }
        PublicKey key = algorithm == DkimAlgorithm.ED25519_SHA256 ? ed25519(der) : rsa(der);
        return new KeyRecord(keyType, key, flags.contains("y"), flags.contains("s"));
    }

    private static PublicKey ed25519(byte[] raw) throws DkimFailure {
        if (raw.length != 32) {
            throw DkimFailure.perm("ed25519 key is not 32 bytes");
        }
        try {
            return ed25519PublicKey(raw);
        } catch (GeneralSecurityException e) {
            throw DkimFailure.perm("unusable ed25519 key");
        }
    }

    /** An Ed25519 public key from its 32 raw bytes. */
    static PublicKey ed25519PublicKey(byte[] raw) throws GeneralSecurityException {
        byte[] spki = new byte[ED25519_SPKI_PREFIX.length + raw.length];
        System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
        System.arraycopy(raw, 0, spki, ED25519_SPKI_PREFIX.length, raw.length);
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    }

    private static PublicKey rsa(byte[] der) throws DkimFailure {
        RSAPublicKey key;
        try {
            KeyFactory factory = KeyFactory.getInstance("RSA");
            try {
                // RFC 6376 3.6.1: SubjectPublicKeyInfo, as virtually everyone publishes it
                key = (RSAPublicKey) factory.generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException | ClassCastException e) {
                // RFC 3447 RSAPublicKey, which some signers publish bare
                var bare = org.bouncycastle.asn1.pkcs.RSAPublicKey.getInstance(der);
                key = (RSAPublicKey) factory.generatePublic(
                        new RSAPublicKeySpec(bare.getModulus(), bare.getPublicExponent()));
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            throw DkimFailure.perm("unusable rsa key");
        }
        int bits = key.getModulus().bitLength();
        if (bits < MIN_RSA_BITS) {
            throw DkimFailure.perm("rsa key of " + bits + " bits is too short (RFC 8301)");
        }
        if (bits > MAX_RSA_BITS || key.getPublicExponent().compareTo(BigInteger.ONE) <= 0) {
            throw DkimFailure.perm("unacceptable rsa key");
        }
        return key;
    }

    private static List<String> colonList(String value) {
        return List.of(TagList.withoutFws(value).toLowerCase(Locale.ROOT).split(":"));
    }
}
