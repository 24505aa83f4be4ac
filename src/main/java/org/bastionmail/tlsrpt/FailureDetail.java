package org.bastionmail.tlsrpt;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * One kind of failed session (RFC 8460 4.3 "failure-details"); sessions with equal details are counted
 * together.
 *
 * @param additionalInformation a URI or short text pointing at more detail (RFC 8460 4.3)
 * @param failureReasonCode free text, e.g. the TLS alert or the SMTP reply
 */
public record FailureDetail(
        ResultType resultType,
        Optional<InetAddress> sendingMtaIp,
        Optional<String> receivingMxHostname,
        Optional<String> receivingMxHelo,
        Optional<InetAddress> receivingIp,
        Optional<String> additionalInformation,
        Optional<String> failureReasonCode) {
    public FailureDetail {
        Objects.requireNonNull(resultType, "resultType");
        Objects.requireNonNull(sendingMtaIp, "sendingMtaIp");
        receivingMxHostname = receivingMxHostname.map(TlsPolicy::cut);
        receivingMxHelo = receivingMxHelo.map(TlsPolicy::cut);
        Objects.requireNonNull(receivingIp, "receivingIp");
        additionalInformation = additionalInformation.map(TlsPolicy::cut);
        failureReasonCode = failureReasonCode.map(TlsPolicy::cut);
    }

    /** A failure known only by its type and the MX host it happened with. */
    public static FailureDetail of(ResultType type, String receivingMxHostname) {
        return new FailureDetail(type, Optional.empty(), Optional.of(receivingMxHostname), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty());
    }
}
