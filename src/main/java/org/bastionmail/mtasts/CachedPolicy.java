package org.bastionmail.mtasts;

import java.time.Instant;
import java.util.Objects;

/**
 * A policy as Bastion holds it (RFC 8461 5.1): what was fetched, under which TXT id, and when.
 *
 * @param domain the policy domain, lower case
 * @param id the id of the TXT record the policy was fetched under
 * @param policy the policy
 * @param fetched when it was fetched; it may be used until {@link #expires()}
 */
public record CachedPolicy(String domain, String id, StsPolicy policy, Instant fetched) {
    public CachedPolicy {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(fetched, "fetched");
    }

    /** RFC 8461 3.2: max_age counts from the fetch. */
    public Instant expires() {
        return fetched.plus(policy.maxAge());
    }

    public boolean isFresh(Instant now) {
        return now.isBefore(expires());
    }
}
