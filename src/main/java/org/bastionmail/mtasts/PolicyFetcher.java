package org.bastionmail.mtasts;

import org.bastionmail.tlsrpt.ResultType;

/** Fetches a domain's policy body over HTTPS (RFC 8461 3.3); tests point it at a loopback server. */
public interface PolicyFetcher {
    /** GETs {@code https://mta-sts.DOMAIN/.well-known/mta-sts.txt} for {@code policyDomain}. */
    Fetch fetch(String policyDomain);

    /** The outcome of one fetch. */
    sealed interface Fetch {}

    /** A 200 response with a text/plain body within the size limit. */
    record Fetched(String body) implements Fetch {}

    /**
     * No policy body: {@code type} is {@link ResultType#STS_WEBPKI_INVALID} when the HTTPS server's
     * certificate did not validate, {@link ResultType#STS_POLICY_FETCH_ERROR} otherwise (RFC 8460 4.3.2.2).
     */
    record Failed(ResultType type, String reason) implements Fetch {}
}
