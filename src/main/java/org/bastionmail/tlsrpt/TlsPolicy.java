package org.bastionmail.tlsrpt;

import java.util.List;
import java.util.Objects;

/**
 * The policy a session was held to, as RFC 8460 4.3 describes it in "policy".
 *
 * @param type sts, tlsa, or no-policy-found
 * @param policyString the policy text: the MTA-STS policy lines, or the TLSA records in presentation form;
 *     empty for no-policy-found
 * @param policyDomain the recipient domain the policy belongs to, lower case
 * @param mxHosts the MX patterns of an MTA-STS policy (RFC 8460 4.3 "mx-host"); empty otherwise
 */
public record TlsPolicy(PolicyType type, List<String> policyString, String policyDomain, List<String> mxHosts) {
    private static final int MAX_LINES = 100;
    private static final int MAX_LINE = 1000;

    public TlsPolicy {
        Objects.requireNonNull(type, "type");
        policyString = policyString.stream().limit(MAX_LINES).map(TlsPolicy::cut).toList();
        policyDomain = Objects.requireNonNull(policyDomain, "policyDomain").toLowerCase(java.util.Locale.ROOT);
        mxHosts = mxHosts.stream().limit(MAX_LINES).map(TlsPolicy::cut).toList();
    }

    /** A domain without MTA-STS or DANE: sessions to it are still counted (RFC 8460 4.3 "no-policy-found"). */
    public static TlsPolicy none(String policyDomain) {
        return new TlsPolicy(PolicyType.NO_POLICY_FOUND, List.of(), policyDomain, List.of());
    }

    static String cut(String s) {
        return s.length() > MAX_LINE ? s.substring(0, MAX_LINE) : s;
    }
}
