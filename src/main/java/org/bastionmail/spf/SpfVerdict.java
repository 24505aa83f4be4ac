package org.bastionmail.spf;

import java.util.Locale;

/** The results of an SPF check (RFC 7208 2.6), printed in lower case as in Received-SPF (RFC 7208 9.1). */
public enum SpfVerdict {
    NONE, NEUTRAL, PASS, FAIL, SOFTFAIL, TEMPERROR, PERMERROR;

    /** The name as RFC 7208 writes it: {@code pass}, {@code fail}, ... */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return label();
    }
}
