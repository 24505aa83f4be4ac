package org.bastionmail.mailauth;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bastionmail.dkim.DkimResult;
import org.bastionmail.dkim.DkimVerdict;
import org.bastionmail.dkim.DkimVerifier;
import org.bastionmail.dmarc.AggregateRecord;
import org.bastionmail.dmarc.AggregateReportLog;
import org.bastionmail.dmarc.DmarcInput;
import org.bastionmail.dmarc.DmarcResult;
import org.bastionmail.dmarc.DmarcVerifier;
import org.bastionmail.iprev.HeloCheck;
import org.bastionmail.iprev.HeloResult;
import org.bastionmail.iprev.IprevResult;
import org.bastionmail.iprev.IprevVerifier;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.spf.ReceivedSpf;
import org.bastionmail.spf.SpfResult;
import org.bastionmail.spf.SpfVerdict;
import org.bastionmail.spf.SpfVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies a message from another server: SPF for the MAIL FROM and HELO identities (RFC 7208), every
 * DKIM signature (RFC 6376), DMARC for the From: domain (RFC 7489) and the client's reverse DNS
 * (RFC 8601 2.7.3); records the results in Authentication-Results and Received-SPF fields and lets the
 * configured {@link AuthPolicy} decide.
 */
public final class InboundChecks {
    private static final Logger LOG = LoggerFactory.getLogger(InboundChecks.class);
    /** The field that carries the labels of the TAG action, for filters and clients. */
    public static final String TAG_FIELD = "X-Bastion-Tags";

    private final SpfVerifier spf;
    private final DkimVerifier dkim;
    private final DmarcVerifier dmarc;
    private final IprevVerifier iprev;
    private final HeloCheck heloCheck;
    private final AuthPolicy policy;
    private final String authservId;
    private final AggregateReportLog reportLog;
    private final Clock clock;

    public InboundChecks(SpfVerifier spf, DkimVerifier dkim, DmarcVerifier dmarc, IprevVerifier iprev,
            HeloCheck heloCheck, AuthPolicy policy, String authservId, AggregateReportLog reportLog, Clock clock) {
        this.reportLog = reportLog;
        this.clock = clock;
        this.heloCheck = heloCheck;
        this.spf = spf;
        this.dkim = dkim;
        this.dmarc = dmarc;
        this.iprev = iprev;
        this.policy = policy;
        this.authservId = authservId;
    }

    /** The verdict on one message, and the header fields that record why. */
    public record Outcome(Decision decision, AuthFindings findings, String headerFields) {}

    public Outcome check(InetAddress client, String helo, Optional<MailAddress> sender, byte[] message) {
        String mailFrom = sender.map(MailAddress::toString).orElse("");
        SpfResult spfMailFrom = spf.checkMailFrom(client, mailFrom, helo);
        SpfResult spfHelo = spf.checkHelo(client, helo);
        List<DkimResult> signatures = dkim.verify(message);
        Optional<String> fromDomain = FromHeader.singleDomain(message);
        Optional<DmarcResult> dmarcResult = fromDomain.filter(d -> policy.honourDmarc()).map(d -> dmarc.verify(
                new DmarcInput(d, Optional.of(spfMailFrom.domain()), spfMailFrom.verdict() == SpfVerdict.PASS,
                        signatures.stream().filter(r -> r.verdict() == DkimVerdict.PASS && !r.testing())
                                .map(DkimResult::domain).toList())));
        IprevResult reverse = iprev.check(client);
        HeloResult heloName = heloCheck.check(helo, client);
        AuthFindings findings = new AuthFindings(spfMailFrom, Optional.of(spfHelo), signatures, fromDomain,
                dmarcResult, Optional.of(reverse), Optional.of(heloName));
        Decision decision = policy.decide(findings);
        dmarcResult.ifPresent(result -> recordForReports(client, fromDomain.orElseThrow(), sender, spfMailFrom, spfHelo, signatures, result));

        List<String> fields = new ArrayList<>();
        fields.add(AuthenticationResults.field(authservId, findings));
        fields.add(ReceivedSpf.FIELD_NAME + ": " + ReceivedSpf.value(spfMailFrom, authservId) + "\r\n");
        if (decision instanceof Decision.Accept accept && !accept.tags().isEmpty()) {
            fields.add(TAG_FIELD + ": " + String.join(", ", accept.tags()) + "\r\n");
        }
        // DEBUG: every verdict is in the transaction log's line; a refusal has its own INFO line (MessagePhase)
        if (LOG.isDebugEnabled()) {
            LOG.debug("checks for {} from {}: spf={} dkim={} dmarc={} iprev={} helo={} -> {}", mailFrom.isEmpty() ? "<>" : mailFrom,
                    client.getHostAddress(), spfMailFrom.verdict(), signatures.stream().map(r -> r.verdict().keyword()).toList(),
                    dmarcResult.map(r -> r.verdict().keyword()).orElse("none"), reverse.verdict().keyword(),
                    heloName.verdict(), decision);
        }
        return new Outcome(decision, findings, String.join("", fields));
    }

    /** RFC 7489 7.2: what the aggregate report of the policy domain will say about this message. */
    private void recordForReports(InetAddress client, String fromDomain, Optional<MailAddress> sender,
            SpfResult mailFrom, SpfResult helo,
            List<DkimResult> signatures, DmarcResult result) {
        List<AggregateRecord.DkimAuth> dkim = signatures.stream().filter(r -> r.verdict() != DkimVerdict.NONE)
                .map(r -> new AggregateRecord.DkimAuth(r.domain(), r.selector(), r.verdict().keyword())).toList();
        List<AggregateRecord.SpfAuth> spfAuth = List.of(
                new AggregateRecord.SpfAuth(mailFrom.domain(), "mfrom", mailFrom.verdict().label()),
                new AggregateRecord.SpfAuth(helo.domain(), "helo", helo.verdict().label()));
        Instant now = clock.instant();
        AggregateRecord.of(now.toString(), client.getHostAddress(), fromDomain, sender.map(MailAddress::domain).orElse(""),
                result, dkim, spfAuth).ifPresent(record -> {
                    try {
                        reportLog.append(LocalDate.ofInstant(now, ZoneOffset.UTC), record);
                    } catch (IOException e) {
                        LOG.warn("cannot record DMARC report data: {}", e.toString());
                    }
                });
    }
}
