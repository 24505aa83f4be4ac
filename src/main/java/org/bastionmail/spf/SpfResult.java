package org.bastionmail.spf;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one SPF check.
 *
 * @param verdict     the result (RFC 7208 2.6)
 * @param explanation for {@link SpfVerdict#FAIL} only: the domain's exp= text or the default explanation (RFC 7208 6.2)
 * @param reason      in words: which mechanism matched where, or why the check failed
 * @param mechanism   the mechanism that decided the result, as written in the record, when one did
 * @param lookups     the DNS lookups made, in order, with a short summary of each answer (for "why" reports)
 * @param identity    which identity was checked
 * @param domain      the domain whose policy was checked (the one of {@code sender})
 * @param sender      the sender checked: the MAIL FROM address, or {@code postmaster@<helo>} (RFC 7208 2.4)
 * @param clientIp    the SMTP client's address (an IPv4-mapped IPv6 address is given as IPv4, RFC 7208 5)
 * @param helo        the HELO/EHLO name as given by the client
 */
public record SpfResult(SpfVerdict verdict, Optional<String> explanation, String reason, Optional<String> mechanism,
                        List<String> lookups, SpfIdentity identity, String domain, String sender,
                        InetAddress clientIp, String helo) {
    public SpfResult {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(explanation, "explanation");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(mechanism, "mechanism");
        lookups = List.copyOf(lookups);
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(clientIp, "clientIp");
        Objects.requireNonNull(helo, "helo");
    }
}
