package org.bastionmail.dkim;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;

/**
 * A key Bastion signs with for one domain and selector, with the public half to publish.
 *
 * @param domain the signing domain ({@code d=}), lower case
 * @param selector the selector ({@code s=})
 */
public record DkimSigningKey(String domain, String selector, DkimAlgorithm algorithm, PrivateKey privateKey,
        PublicKey publicKey) {
    public DkimSigningKey {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(publicKey, "publicKey");
        domain = checkName(domain, "domain").toLowerCase(Locale.ROOT);
        selector = checkName(selector, "selector");
    }

    /** The DNS name the key record is published at (RFC 6376 3.6.2.1). */
    public String dnsRecordName() {
        return selector + "._domainkey." + domain;
    }

    /** The TXT record to publish: {@code v=DKIM1; k=ed25519; p=...} (RFC 6376 3.6.1, RFC 8463 4.2). */
    public String dnsRecord() {
        byte[] spki = publicKey.getEncoded();
        // RFC 8463 4.2: Ed25519 keys are published as the bare 32-byte key, RSA keys as SubjectPublicKeyInfo
        byte[] p = algorithm == DkimAlgorithm.ED25519_SHA256 ? Arrays.copyOfRange(spki, spki.length - 32, spki.length) : spki;
        return "v=DKIM1; k=" + algorithm.keyType() + "; p=" + Base64.getEncoder().encodeToString(p);
    }

    // Letters, digits, '-', '_' and dots between labels: these names also become file names (DkimKeys)
    static String checkName(String name, String what) {
        Objects.requireNonNull(name, what);
        if (!name.matches("[A-Za-z0-9_-]{1,63}(\\.[A-Za-z0-9_-]{1,63})*") || name.length() > 253) {
            throw new IllegalArgumentException("not a usable DKIM " + what + ": " + name);
        }
        return name;
    }

    @Override
    public String toString() {
        // never print the private key
        return "DkimSigningKey[" + algorithm.tag() + " " + dnsRecordName() + "]";
    }
}
