package org.bastionmail.iprev;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of a forward-confirmed reverse DNS check of an SMTP client (RFC 8601 2.7.3).
 *
 * @param verdict the result
 * @param clientIp the address checked (an IPv4-mapped IPv6 address is given as IPv4)
 * @param name the PTR name that resolved back to {@code clientIp}; present only for {@link IprevVerdict#PASS}
 * @param ptrNames the PTR names found (at most {@link IprevVerifier#MAX_NAMES} were checked), printable
 * @param reason why, in words for logs and Authentication-Results comments
 */
public record IprevResult(IprevVerdict verdict, InetAddress clientIp, Optional<String> name, List<String> ptrNames,
        String reason) {
    public IprevResult {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(clientIp, "clientIp");
        Objects.requireNonNull(name, "name");
        ptrNames = List.copyOf(ptrNames);
        Objects.requireNonNull(reason, "reason");
        if (name.isPresent() != (verdict == IprevVerdict.PASS)) {
            throw new IllegalArgumentException("a verified name goes with pass, and only with pass");
        }
    }
}
