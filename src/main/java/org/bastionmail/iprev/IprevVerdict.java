package org.bastionmail.iprev;

import java.util.Locale;

/** The results of the "iprev" method (RFC 8601 2.7.3). */
public enum IprevVerdict {
    /** A PTR name of the client address resolves back to that address. */
    PASS,
    /** PTR names exist, but none of them resolves back to the client address. */
    FAIL,
    /** A DNS lookup failed (timeout, SERVFAIL, DNSSEC-bogus): a later retry may give another answer. */
    TEMPERROR,
    /** The address has no PTR records at all. */
    PERMERROR;

    /** The RFC 8601 result keyword, as written in Authentication-Results. */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }
}
