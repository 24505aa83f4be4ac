package org.bastionmail.dmarc;

import java.util.List;
import java.util.Optional;

/**
 * What DMARC needs to know about a message (RFC 7489 4.2): the RFC5322.From domain and the
 * authenticated identifiers that passed.
 *
 * @param fromDomain the domain of the message's single From: address
 * @param spfDomain the domain SPF checked (MAIL FROM, or HELO for a null sender, RFC 7489 4.2 note)
 * @param spfPassed whether SPF gave {@code pass} for {@code spfDomain}
 * @param dkimPassedDomains the {@code d=} of every DKIM signature that verified {@code pass}
 */
public record DmarcInput(String fromDomain, Optional<String> spfDomain, boolean spfPassed, List<String> dkimPassedDomains) {
    public DmarcInput {
        dkimPassedDomains = List.copyOf(dkimPassedDomains);
    }
}
