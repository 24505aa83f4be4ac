package org.bastionmail.smtp.client;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What TLS negotiated on a connection, for the queue log, the Received line of the next hop and TLS
 * reports (RFC 8460).
 *
 * @param protocol e.g. {@code TLSv1.3}
 * @param cipherSuite e.g. {@code TLS_AES_256_GCM_SHA384}
 * @param verified whether the policy's certificate check passed; false when no check was asked for
 * @param problem why the check failed, when it did
 * @param peerChain the certificates the server presented, leaf first
 */
public record TlsInfo(String protocol, String cipherSuite, boolean verified, Optional<String> problem,
        List<X509Certificate> peerChain) {

    public TlsInfo {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(cipherSuite, "cipherSuite");
        Objects.requireNonNull(problem, "problem");
        peerChain = List.copyOf(peerChain);
    }

    /** A short summary for logs and Received lines: "TLSv1.3 TLS_AES_256_GCM_SHA384 verified". */
    public String summary() {
        return protocol + " " + cipherSuite + (verified ? " verified" : " unverified");
    }
}
