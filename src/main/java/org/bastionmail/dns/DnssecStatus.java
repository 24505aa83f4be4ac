package org.bastionmail.dns;

/** DNSSEC validation status of an answer (RFC 4033 5, RFC 4035 4.3). */
public enum DnssecStatus {
    /** A chain of trust from a configured trust anchor validated the answer. */
    SECURE,
    /** The answer is provably outside any signed zone (an insecure delegation). */
    INSECURE,
    /** Validation should have succeeded and failed: a bad signature, missing records, a broken chain. */
    BOGUS,
    /** Validation could not be decided (no trust anchor, resolver failure). */
    INDETERMINATE
}
