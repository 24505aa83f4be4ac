package org.bastionmail.mtasts;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A parsed MTA-STS policy (RFC 8461 3.2).
 *
 * @param mode what to do when TLS cannot be validated
 * @param mx the MX host patterns, each a host name or {@code *.} and a domain; empty only in mode none
 * @param maxAge how long the policy may be cached, at most {@link #MAX_AGE_LIMIT}
 * @param text the policy as served, with LF line ends: what a TLS report quotes as its policy-string
 */
public record StsPolicy(StsMode mode, List<String> mx, Duration maxAge, String text) {
    /** RFC 8461 3.2: max_age has "a maximum value of 31557600" seconds (about one year). */
    public static final Duration MAX_AGE_LIMIT = Duration.ofSeconds(31_557_600);

    public StsPolicy {
        Objects.requireNonNull(mode, "mode");
        mx = List.copyOf(mx);
        Objects.requireNonNull(maxAge, "maxAge");
        Objects.requireNonNull(text, "text");
    }

    /** Parses a policy body as fetched from {@code https://mta-sts.DOMAIN/.well-known/mta-sts.txt}. */
    public static StsPolicy parse(String body) throws StsSyntaxException {
        return StsPolicyParser.parse(body);
    }

    /** Whether {@code mxHost} is one of the policy's MX hosts, by the matching rules of RFC 8461 4.1. */
    public boolean mxMatches(String mxHost) {
        for (String pattern : mx) {
            if (HostPattern.matches(pattern, mxHost)) {
                return true;
            }
        }
        return false;
    }

    /** The policy's non-empty lines, as RFC 8460 4.3 wants them in "policy-string". */
    public List<String> lines() {
        return text.lines().filter(line -> !line.isBlank()).toList();
    }
}
