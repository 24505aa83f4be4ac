package org.bastionmail.spf;

import java.time.Duration;
import java.util.Objects;

/**
 * The knobs of the SPF verifier, each with the RFC's default.
 *
 * @param receivingHost      this server's host name, the value of the %{r} macro (RFC 7208 7.3)
 * @param defaultExplanation the explanation (a macro string) given for a fail when the domain has no usable exp=
 * @param dnsLookupLimit     mechanisms and modifiers that cause DNS queries, per check (RFC 7208 4.6.4: 10)
 * @param voidLookupLimit    lookups answering NXDOMAIN or no records, per check (RFC 7208 4.6.4: 2)
 * @param timeBudget         the time a whole check may take before it gives temperror (RFC 7208 4.6.4: at least 20 s)
 */
public record SpfSettings(String receivingHost, String defaultExplanation, int dnsLookupLimit, int voidLookupLimit,
                          Duration timeBudget) {
    public static final String DEFAULT_EXPLANATION = "%{o} has not authorized %{c} to send mail for %{s}";

    public SpfSettings {
        Objects.requireNonNull(receivingHost, "receivingHost");
        Objects.requireNonNull(defaultExplanation, "defaultExplanation");
        Objects.requireNonNull(timeBudget, "timeBudget");
        if (dnsLookupLimit < 1 || dnsLookupLimit > 100 || voidLookupLimit < 0 || voidLookupLimit > 100) {
            throw new IllegalArgumentException("lookup limits out of range");
        }
        if (timeBudget.isNegative() || timeBudget.isZero()) {
            throw new IllegalArgumentException("timeBudget must be positive");
        }
    }

    /** The RFC defaults for a server named {@code receivingHost}. */
    public static SpfSettings defaults(String receivingHost) {
        return new SpfSettings(receivingHost, DEFAULT_EXPLANATION, 10, 2, Duration.ofSeconds(20));
    }

    public SpfSettings withDefaultExplanation(String explanation) {
        return new SpfSettings(receivingHost, explanation, dnsLookupLimit, voidLookupLimit, timeBudget);
    }
}
