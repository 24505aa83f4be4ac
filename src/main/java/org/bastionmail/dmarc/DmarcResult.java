package org.bastionmail.dmarc;

import java.util.Optional;

/**
 * The DMARC verdict for one message and what to do with it.
 *
 * @param verdict the result as RFC 8601 names it ({@code dmarc=pass} ...)
 * @param disposition what the policy asks for this message, after {@code pct} sampling (RFC 7489 6.6.4)
 * @param policyDomain the domain whose record applied (the From domain or its organisational domain)
 * @param record the policy record used, if one was found
 * @param spfAligned whether an SPF pass was aligned with the From domain
 * @param dkimAligned whether a DKIM pass was aligned with the From domain
 * @param reason why, in words for logs and the CLI
 */
public record DmarcResult(
        Verdict verdict,
        DmarcRecord.Policy disposition,
        String policyDomain,
        Optional<DmarcRecord> record,
        boolean spfAligned,
        boolean dkimAligned,
        String reason) {

    /** DMARC results (RFC 8601 2.7.5 "dmarc"). */
    public enum Verdict {
        NONE, PASS, FAIL, TEMPERROR, PERMERROR;

        public String keyword() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
