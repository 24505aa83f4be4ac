package org.bastionmail.mailauth;

import java.util.Locale;
import org.bastionmail.dkim.DkimResult;
import org.bastionmail.tracelog.TransactionTrace;

/** Writes what the authentication checks found into the transaction's log line. */
final class VerdictTrace {
    private VerdictTrace() {}

    static void record(TransactionTrace trace, InboundChecks.Outcome outcome) {
        AuthFindings f = outcome.findings();
        trace.check("spf", f.mailFrom().verdict().label(), f.mailFrom().domain());
        f.helo().ifPresent(h -> trace.check("spf-helo", h.verdict().label(), h.domain()));
        for (DkimResult d : f.dkim()) {
            String detail = d.domain().isEmpty() ? d.reason().orElse("")
                    : "d=" + d.domain() + " s=" + d.selector() + d.reason().map(r -> " (" + r + ")").orElse("");
            trace.check("dkim", d.verdict().keyword(), detail);
        }
        f.dmarc().ifPresent(d -> trace.check("dmarc", d.verdict().keyword(),
                d.policyDomain() + " p=" + d.disposition().name().toLowerCase(Locale.ROOT)));
        f.iprev().ifPresent(i -> {
            trace.check("iprev", i.verdict().keyword(), i.name().orElse(i.reason()));
            i.name().ifPresent(trace::clientName);
        });
        f.heloName().ifPresent(h -> trace.check("helo", h.verdict().name().toLowerCase(Locale.ROOT), h.reason()));
        switch (outcome.decision()) {
            case Decision.Accept accept -> {
                if (accept.junk() || !accept.tags().isEmpty()) {
                    trace.check("policy", accept.junk() ? "junk" : "tag", String.join(", ", accept.tags()));
                }
            }
            case Decision.Reject r -> trace.refuse(refusingCheck(r.enhanced()), "reject", r.text());
            case Decision.TempFail t -> trace.refuse(refusingCheck(t.enhanced()), "tempfail", t.text());
        }
    }

    /** The check a refusal comes from, by its enhanced status code (RFC 7372 3; 5.7.1 is DMARC's here). */
    static String refusingCheck(String enhanced) {
        String detail = enhanced.length() > 2 ? enhanced.substring(2) : "";
        return switch (detail) {
            case "7.20", "7.21", "7.22" -> "dkim";
            case "7.23", "7.24" -> "spf";
            case "7.25", "7.26", "7.27" -> "iprev";
            case "7.1" -> "dmarc";
            default -> "mailauth";
        };
    }
}
