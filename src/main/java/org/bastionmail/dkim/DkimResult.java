package org.bastionmail.dkim;

import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one DKIM-Signature header field (RFC 6376 6, reported as in RFC 8601 2.7.1).
 *
 * @param verdict the result
 * @param domain the signing domain ({@code d=}), lower case; empty when the signature was too broken to say
 * @param selector the selector ({@code s=}); empty when unknown
 * @param algorithm the {@code a=} value as written; empty when unknown
 * @param identity the agent or user identifier ({@code i=}, defaulting to {@code @d}); empty when unknown
 * @param reason why the verdict is not pass, for logs and Authentication-Results comments
 * @param bodyLengthLimited the signature covers only the first {@code l=} bytes of a longer body, so content
 *     was added after signing (RFC 6376 8.2): a pass with this flag says nothing about the rest of the body
 * @param testing the key is in testing mode ({@code t=y}, RFC 6376 3.6.1): receivers should not treat a
 *     failure differently from an unsigned message
 */
public record DkimResult(
        DkimVerdict verdict,
        String domain,
        String selector,
        String algorithm,
        String identity,
        Optional<String> reason,
        boolean bodyLengthLimited,
        boolean testing) {
    public DkimResult {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(selector, "selector");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(reason, "reason");
    }
}
