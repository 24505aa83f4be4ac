package org.bastionmail.mtasts;

import java.util.Optional;
import org.bastionmail.tlsrpt.ResultType;

/** What policy discovery (RFC 8461 3, 5.1) found for a recipient domain. */
public sealed interface StsDiscovery {
    /**
     * A policy applies: freshly fetched, or from the cache. {@code refreshProblem} tells why a refresh
     * failed when a cached policy stands in for it (RFC 8461 5.1), for the TLS report.
     * A policy in mode {@link StsMode#NONE} is found too: it means "act as if there were none".
     */
    record Found(CachedPolicy cached, Optional<Problem> refreshProblem) implements StsDiscovery {
        public StsPolicy policy() {
            return cached.policy();
        }
    }

    /** The domain has no MTA-STS policy (no valid TXT record and nothing cached). */
    record Absent() implements StsDiscovery {}

    /**
     * The TXT record announces a policy but none could be fetched and nothing is cached: RFC 8461 3.3 says to
     * deliver as if the domain had no policy; the problem goes into the TLS report.
     */
    record Unavailable(Problem problem) implements StsDiscovery {}

    /** A reportable failure to get a policy, with an RFC 8460 4.3.2.2 result type. */
    record Problem(ResultType type, String detail) {}
}
