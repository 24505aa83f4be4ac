package org.bastionmail.smtp.client;

import java.util.Objects;
import java.util.Optional;

/**
 * What the client requires of TLS on one connection. The caller picks it per destination: opportunistic
 * by default (RFC 7435), required and verified when MTA-STS (RFC 8461) or DANE (RFC 7672) say so.
 */
public sealed interface TlsPolicy {

    /**
     * STARTTLS when the server offers it; plaintext only when it does not. A handshake that fails is a
     * temporary failure for this host, never a silent fallback (a downgrade an attacker could force).
     *
     * @param reportCheck a check whose result is only reported in {@link TlsInfo#verified()}
     *     (MTA-STS "testing" mode, or recording whether the peer was verified); it never stops delivery
     */
    record Opportunistic(Optional<CertificateCheck> reportCheck) implements TlsPolicy {
        public Opportunistic {
            Objects.requireNonNull(reportCheck, "reportCheck");
        }
    }

    /** TLS is required (no STARTTLS offered = temporary failure), but any certificate is accepted. */
    record RequiredUnverified() implements TlsPolicy {}

    /** TLS is required and the peer's chain must pass {@code check}; otherwise a temporary failure. */
    record RequiredVerified(CertificateCheck check) implements TlsPolicy {
        public RequiredVerified {
            Objects.requireNonNull(check, "check");
        }
    }

    static TlsPolicy opportunistic() {
        return new Opportunistic(Optional.empty());
    }
}
