package org.bastionmail.dane;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import org.bastionmail.dns.TlsaRecord;

/**
 * What DANE (RFC 7672 2.2) asks of the connection to one MX host, decided from its TLSA lookup.
 * MTA-STS only applies when this is {@link NotApplicable} (RFC 8461 2: DANE takes precedence).
 */
public sealed interface DanePolicy {
    /**
     * Secure, usable TLSA records: STARTTLS is mandatory and the server's chain must pass {@link #verify};
     * no fallback to plaintext or to another policy (RFC 7672 2.2).
     *
     * @param tlsaBaseDomain the domain the TLSA records were found under (here: the MX host name)
     * @param records the usable records only: DANE-TA(2) and DANE-EE(3) with known selectors and matching types
     */
    record Required(String tlsaBaseDomain, List<TlsaRecord> records) implements DanePolicy {
        public Required {
            records = List.copyOf(records);
            if (records.isEmpty()) {
                throw new IllegalArgumentException("DANE needs at least one usable TLSA record");
            }
        }

        /** Checks the chain the server presented (leaf first) for the MX host {@code mxHost}, as of now. */
        public DaneVerdict verify(List<X509Certificate> chain, String mxHost) {
            return verify(chain, mxHost, Instant.now());
        }

        /** As {@link #verify(List, String)}, with the time to check DANE-TA(2) chains' validity at. */
        public DaneVerdict verify(List<X509Certificate> chain, String mxHost, Instant now) {
            return new ChainVerifier(records, List.of(mxHost, tlsaBaseDomain), now).verify(chain);
        }
    }

    /**
     * Secure TLSA records exist but none is usable: STARTTLS is mandatory, but the server is not
     * authenticated (RFC 7672 2.2, last paragraph).
     */
    record EncryptOnly(String reason) implements DanePolicy {}

    /** DANE does not apply: no secure TLSA records (a proven absence, or insecure DNS on the way). */
    record NotApplicable(String reason) implements DanePolicy {}

    /**
     * The TLSA lookup failed or was bogus while the MX host's addresses were secure: do not deliver to
     * this MX host now, try the next one or later (RFC 7672 2.2, 2.2.2).
     */
    record TemporaryFailure(String reason) implements DanePolicy {}
}
