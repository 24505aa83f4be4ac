package org.bastionmail.dns;

/**
 * The outcome of one DNS lookup. SPF (RFC 7208 4.4, 4.6.4), DKIM and DMARC treat "no such name", "no
 * records of that type" and "the lookup failed" differently, so they are distinct cases.
 */
public sealed interface Lookup<T> {
    /** The DNSSEC status of this answer (RFC 4035 4.3). */
    DnssecStatus dnssec();

    /** Records were found. */
    record Found<T>(T records, DnssecStatus dnssec) implements Lookup<T> {}

    /** The name does not exist (NXDOMAIN, RCODE 3). */
    record NoSuchName<T>(DnssecStatus dnssec) implements Lookup<T> {}

    /** The name exists but has no records of the type asked (NODATA). */
    record NoRecords<T>(DnssecStatus dnssec) implements Lookup<T> {}

    /**
     * No usable answer: timeout, SERVFAIL, a refused query, a malformed reply, or a DNSSEC-bogus answer
     * (then {@link #dnssec()} is {@link DnssecStatus#BOGUS}). Callers treat it as temporary.
     */
    record Failed<T>(String reason, DnssecStatus dnssec) implements Lookup<T> {}

    /** Whether the name exists with no records, or does not exist: a "void lookup" in RFC 7208 4.6.4. */
    default boolean isEmpty() {
        return this instanceof NoSuchName<T> || this instanceof NoRecords<T>;
    }
}
