package org.bastionmail.mailauth;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.bastionmail.config.Config;
import org.bastionmail.dkim.DkimResult;
import org.bastionmail.dkim.DkimVerdict;
import org.bastionmail.dmarc.DmarcRecord;
import org.bastionmail.dmarc.DmarcResult;
import org.bastionmail.iprev.IprevVerdict;
import org.bastionmail.spf.SpfResult;
import org.bastionmail.spf.SpfVerdict;

/**
 * The local policy: what each authentication result does to an inbound message ({@code [policy]} in the
 * configuration). {@link #decide} combines them:
 *
 * <ul>
 *   <li>Each failure maps to its {@link Action}: SPF fail and softfail of the MAIL FROM identity; DKIM fail
 *       when no signature passed (RFC 6376 6.3: a failing signature counts as no signature, so a pass
 *       elsewhere wins and testing keys are ignored); DMARC fail under {@code p=reject} or
 *       {@code p=quarantine} after {@code pct} sampling, when {@code honourDmarc}; iprev fail. A HELO SPF fail
 *       only ever tags.</li>
 *   <li>The strictest action wins: REJECT over JUNK over TAG over ACCEPT. A reject is 550 with the RFC 7372
 *       code of what failed: 5.7.1 for DMARC (RFC 7489 6.6.4 / issue 3), 5.7.23 for SPF, 5.7.20 for DKIM,
 *       5.7.25 for reverse DNS.</li>
 *   <li>Temporary DNS failures never become a permanent reject, and never a silent accept where the
 *       answer could have rejected: a rejecting action whose outcome a temperror could change becomes
 *       451 instead. That is: DMARC temperror (its record could not be fetched) unless SPF or DKIM passed
 *       for exactly the From domain, which aligns under any record (RFC 7489 3.1) (4.7.0); a DMARC reject
 *       while SPF or a DKIM signature had a temperror, as either could have been the aligned pass (4.7.24
 *       for SPF, RFC 7372 3.2; 4.7.0 for DKIM); an SPF, DKIM or iprev temperror when the action for its
 *       failure is REJECT (4.7.24, 4.7.0, 4.7.25).</li>
 *   <li>A definite reject from another check still wins over such a 451: it does not depend on the
 *       failed lookup.</li>
 * </ul>
 *
 * @param spfFail what an SPF {@code fail} of MAIL FROM does
 * @param spfSoftfail what an SPF {@code softfail} of MAIL FROM does
 * @param dkimFail what a message gets whose signatures all failed
 * @param dmarcReject what a DMARC failure under {@code p=reject} does
 * @param dmarcQuarantine what a DMARC failure under {@code p=quarantine} does
 * @param iprevFail what an iprev {@code fail} does
 * @param honourDmarc whether DMARC results act at all (off: recorded in Authentication-Results only)
 */
public record AuthPolicy(Action spfFail, Action spfSoftfail, Action dkimFail, Action dmarcReject,
        Action dmarcQuarantine, Action iprevFail, boolean honourDmarc) {

    /** From mildest to strictest. */
    public enum Action { ACCEPT, TAG, JUNK, REJECT }

    public AuthPolicy {
        Objects.requireNonNull(spfFail, "spfFail");
        Objects.requireNonNull(spfSoftfail, "spfSoftfail");
        Objects.requireNonNull(dkimFail, "dkimFail");
        Objects.requireNonNull(dmarcReject, "dmarcReject");
        Objects.requireNonNull(dmarcQuarantine, "dmarcQuarantine");
        Objects.requireNonNull(iprevFail, "iprevFail");
    }

    /** The defaults of {@link Config.Policy#defaults}. */
    public static AuthPolicy defaults() {
        return of(Config.Policy.defaults("localhost"));
    }

    /** The policy a {@code [policy]} table configures. */
    public static AuthPolicy of(Config.Policy config) {
        return new AuthPolicy(action(config.spfFail()), action(config.spfSoftfail()), action(config.dkimFail()),
                action(config.dmarcReject()), action(config.dmarcQuarantine()), action(config.iprevFail()),
                config.honourDmarc());
    }

    private static Action action(Config.Policy.Action a) {
        return switch (a) {
            case ACCEPT -> Action.ACCEPT;
            case TAG -> Action.TAG;
            case JUNK -> Action.JUNK;
            case REJECT -> Action.REJECT;
        };
    }

    /** Decides what happens to a message with these findings (rules in the class comment). */
    public Decision decide(AuthFindings findings) {
        Objects.requireNonNull(findings, "findings");
        Verdicts v = new Verdicts();
        SpfResult spf = findings.mailFrom();
        boolean dkimPass = findings.dkim().stream().anyMatch(d -> d.verdict() == DkimVerdict.PASS);
        boolean dkimTemp = !dkimPass && findings.dkim().stream().anyMatch(d -> d.verdict() == DkimVerdict.TEMPERROR);
        // DMARC first: when several checks reject, the reply names the domain owner's policy
        if (honourDmarc && findings.dmarc().isPresent()) {
            dmarc(findings, findings.dmarc().get(), spf, dkimTemp, v);
        }

        switch (spf.verdict()) {
            case FAIL -> v.apply(spfFail, "spf=fail", "5.7.23", "SPF validation failed for " + spf.domain());
            case SOFTFAIL -> v.apply(spfSoftfail, "spf=softfail", "5.7.23", "SPF validation failed for " + spf.domain());
            case TEMPERROR -> {
                if (spfFail == Action.REJECT) {
                    v.temp("4.7.24", "SPF validation error for " + spf.domain() + ", try again later");
                }
            }
            default -> { }
        }
        findings.helo().filter(h -> h.verdict() == SpfVerdict.FAIL)
                .ifPresent(h -> v.apply(Action.TAG, "spf-helo=fail", "", ""));

        boolean dkimFailed = !dkimPass && findings.dkim().stream()
                .anyMatch(d -> d.verdict() == DkimVerdict.FAIL && !d.testing());
        if (dkimFailed) {
            v.apply(dkimFail, "dkim=fail", "5.7.20", "no passing DKIM signature found");
        }
        if (dkimTemp && dkimFail == Action.REJECT) {
            v.temp("4.7.0", "DKIM key lookup failed, try again later");
        }

        findings.iprev().ifPresent(i -> {
            if (i.verdict() == IprevVerdict.FAIL) {
                v.apply(iprevFail, "iprev=fail", "5.7.25", "reverse DNS validation failed for " + i.clientIp().getHostAddress());
            } else if (i.verdict() == IprevVerdict.TEMPERROR && iprevFail == Action.REJECT) {
                v.temp("4.7.25", "reverse DNS lookup failed, try again later");
            }
        });
        return v.decision();
    }

    private void dmarc(AuthFindings findings, DmarcResult dmarc, SpfResult spf, boolean dkimTemp, Verdicts v) {
        String from = findings.fromDomain().map(AuthPolicy::domain).orElse("");
        switch (dmarc.verdict()) {
            case FAIL -> {
                Action action = forDisposition(dmarc.disposition());
                String text = "DMARC policy of " + dmarc.policyDomain() + " rejects this message";
                if (action == Action.REJECT && spf.verdict() == SpfVerdict.TEMPERROR) {
                    // the SPF check that could have been the aligned pass did not finish
                    v.temp("4.7.24", "SPF validation error for " + spf.domain() + ", DMARC undecided, try again later");
                } else if (action == Action.REJECT && dkimTemp) {
                    v.temp("4.7.0", "DKIM key lookup failed, DMARC undecided, try again later");
                } else {
                    v.apply(action, "dmarc=fail", "5.7.1", text);
                }
            }
            case TEMPERROR -> {
                boolean surelyAligned = (spf.verdict() == SpfVerdict.PASS && domain(spf.domain()).equals(from))
                        || findings.dkim().stream().anyMatch(d -> d.verdict() == DkimVerdict.PASS && domain(d.domain()).equals(from));
                boolean couldReject = dmarcReject == Action.REJECT;
                if (!surelyAligned && couldReject) {
                    v.temp("4.7.0", "DMARC policy of " + from + " could not be fetched, try again later");
                } else if (!surelyAligned) {
                    v.apply(Action.TAG, "dmarc=temperror", "", "");
                }
            }
            default -> { }
        }
    }

    private Action forDisposition(DmarcRecord.Policy disposition) {
        return switch (disposition) {
            case REJECT -> dmarcReject;
            case QUARANTINE -> dmarcQuarantine;
            case NONE -> Action.ACCEPT;
        };
    }

    private static String domain(String d) {
        String n = d.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    /** The actions collected so far; the strictest wins. */
    private static final class Verdicts {
        private Action strongest = Action.ACCEPT;
        private final List<String> tags = new ArrayList<>();
        private Optional<Decision.Reject> reject = Optional.empty();
        private Optional<Decision.TempFail> temp = Optional.empty();

        void apply(Action action, String tag, String enhanced, String text) {
            if (action == Action.ACCEPT) {
                return;
            }
            tags.add(tag);
            if (action == Action.REJECT && reject.isEmpty()) {
                reject = Optional.of(new Decision.Reject("550", enhanced, text));
            }
            if (action.compareTo(strongest) > 0) {
                strongest = action;
            }
        }

        void temp(String enhanced, String text) {
            if (temp.isEmpty()) {
                temp = Optional.of(new Decision.TempFail("451", enhanced, text));
            }
        }

        Decision decision() {
            if (reject.isPresent()) {
                return reject.get();
            }
            if (temp.isPresent()) {
                return temp.get();
            }
            return new Decision.Accept(strongest == Action.JUNK, tags);
        }
    }
}
