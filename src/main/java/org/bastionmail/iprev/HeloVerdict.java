package org.bastionmail.iprev;

/** What the HELO/EHLO name says about the client (recorded; not a reason to reject on its own). */
public enum HeloVerdict {
    /** A host name that resolves to the client address, or an address literal of the client address. */
    MATCH,
    /** A valid host name or address literal, but not of the client address. */
    MISMATCH,
    /** A valid host name without addresses of the client's family (NXDOMAIN or no records). */
    NO_ADDRESS,
    /** Neither a fully qualified host name nor an address literal (RFC 5321 4.1.1.1, 4.1.3). */
    INVALID,
    /** The address lookup failed; a later retry may give another answer. */
    TEMPERROR
}
