package org.bastionmail.mailauth;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bastionmail.dkim.DkimResult;
import org.bastionmail.dmarc.DmarcResult;
import org.bastionmail.iprev.HeloResult;
import org.bastionmail.iprev.IprevResult;
import org.bastionmail.spf.SpfResult;

/**
 * Everything the authentication checks found out about one inbound message: what the Authentication-Results
 * field reports ({@link AuthenticationResults}) and what the local policy decides on ({@link AuthPolicy}).
 *
 * @param mailFrom the SPF check of the MAIL FROM identity (RFC 7208 2.4)
 * @param helo the SPF check of the HELO identity (RFC 7208 2.3), when it was made
 * @param dkim one result per DKIM-Signature, or the single "none" result of {@code DkimVerifier}
 * @param fromDomain the RFC5322.From domain DMARC was evaluated for; empty when the message has no single
 *     usable From address (then {@code dmarc} is empty too)
 * @param dmarc the DMARC evaluation, when one was made
 * @param iprev the reverse DNS check of the client, when one was made
 * @param heloName whether the HELO name resolves to the client, when it was checked (recorded, not enforced)
 */
public record AuthFindings(SpfResult mailFrom, Optional<SpfResult> helo, List<DkimResult> dkim,
        Optional<String> fromDomain, Optional<DmarcResult> dmarc, Optional<IprevResult> iprev,
        Optional<HeloResult> heloName) {

    /** Findings without a HELO name check. */
    public AuthFindings(SpfResult mailFrom, Optional<SpfResult> helo, List<DkimResult> dkim,
            Optional<String> fromDomain, Optional<DmarcResult> dmarc, Optional<IprevResult> iprev) {
        this(mailFrom, helo, dkim, fromDomain, dmarc, iprev, Optional.empty());
    }

    public AuthFindings {
        Objects.requireNonNull(mailFrom, "mailFrom");
        Objects.requireNonNull(helo, "helo");
        dkim = List.copyOf(dkim);
        Objects.requireNonNull(fromDomain, "fromDomain");
        Objects.requireNonNull(dmarc, "dmarc");
        Objects.requireNonNull(iprev, "iprev");
        Objects.requireNonNull(heloName, "heloName");
        if (dmarc.isPresent() && fromDomain.isEmpty()) {
            throw new IllegalArgumentException("a DMARC result needs the From domain it was evaluated for");
        }
    }
}
