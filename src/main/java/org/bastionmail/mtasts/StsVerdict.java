package org.bastionmail.mtasts;

import org.bastionmail.tlsrpt.ResultType;

/** Whether a connection to an MX host satisfies a domain's MTA-STS policy (RFC 8461 4). */
public sealed interface StsVerdict {
    /** The MX host matches the policy and its certificate validated. */
    record Pass() implements StsVerdict {}

    /** The policy is in mode none: nothing to check (RFC 8461 5). */
    record NotApplicable() implements StsVerdict {}

    /**
     * The policy is not satisfied. With {@code enforced} (mode enforce) the client must not deliver over
     * this connection (RFC 8461 5.1); without (mode testing) it delivers and only reports (RFC 8461 5.2).
     */
    record Fail(ResultType type, String detail, boolean enforced) implements StsVerdict {}

    /** Whether the client may go on delivering over this connection. */
    default boolean allowsDelivery() {
        return !(this instanceof Fail fail && fail.enforced());
    }
}
