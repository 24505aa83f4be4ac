package org.bastionmail.spf;

import java.util.Optional;

/** A mechanism of an SPF record (RFC 7208 5) with its qualifier and its text as written (for reports). */
sealed interface Mechanism {
    Qualifier qualifier();

    /** The term as written in the record. */
    String text();

    /** Whether evaluating it counts against the DNS lookup limit (RFC 7208 4.6.4). */
    default boolean queriesDns() {
        return !(this instanceof All || this instanceof Ip);
    }

    /** RFC 7208 5.1. */
    record All(Qualifier qualifier, String text) implements Mechanism {}

    /** RFC 7208 5.2. */
    record Include(Qualifier qualifier, String text, MacroString domain) implements Mechanism {}

    /** RFC 7208 5.3; an empty domain means the current domain. */
    record A(Qualifier qualifier, String text, Optional<MacroString> domain, int cidr4, int cidr6)
            implements Mechanism {}

    /** RFC 7208 5.4. */
    record Mx(Qualifier qualifier, String text, Optional<MacroString> domain, int cidr4, int cidr6)
            implements Mechanism {}

    /** RFC 7208 5.5. */
    record Ptr(Qualifier qualifier, String text, Optional<MacroString> domain) implements Mechanism {}

    /** RFC 7208 5.6: ip4 and ip6. */
    record Ip(Qualifier qualifier, String text, Network network) implements Mechanism {}

    /** RFC 7208 5.7. */
    record Exists(Qualifier qualifier, String text, MacroString domain) implements Mechanism {}
}
