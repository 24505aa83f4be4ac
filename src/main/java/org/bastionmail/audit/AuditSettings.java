package org.bastionmail.audit;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.bastionmail.dns.DnsResolver;
import org.bastionmail.mail.MailAddress;

/**
 * How an audit runs.
 *
 * @param dns every name is resolved here (never with the system resolver), so tests and users choose the server
 * @param timeout for each connection, read and DNS-driven step
 * @param smtpPort the port of MX hosts' SMTP service (25; tests use an ephemeral port)
 * @param trust which certificate authorities the served chains are checked against
 * @param dkimSelectors selectors to look for; empty means a list of common ones
 * @param heloName the name the probes give in EHLO
 * @param submissionPort when present, also audit the submission service of each audited host
 * @param imapPort when present, also audit the IMAP service (STARTTLS, LOGINDISABLED before TLS, certificate)
 * @param pop3Port when present, also audit the POP3 service (STLS, USER/PASS before TLS, certificate)
 * @param smugglingRecipient when present, run the SMTP smuggling probe, which delivers a few test messages to this
 *     address; it must be in the audited domain (the {@link Auditor} refuses otherwise)
 * @param implicitTls the implicit-TLS ports (RFC 8314 3.3: 465, 993, 995) to audit as well
 */
public record AuditSettings(DnsResolver dns, Duration timeout, int smtpPort, CertificateTrust trust,
        List<String> dkimSelectors, String heloName, Optional<Integer> submissionPort, Optional<Integer> imapPort,
        Optional<Integer> pop3Port, Optional<MailAddress> smugglingRecipient, ImplicitTlsPorts implicitTls) {
    /** Used when no selector is given: the ones large providers and common software publish. */
    static final List<String> COMMON_SELECTORS = List.of("default", "dkim", "mail", "selector1", "selector2",
            "google", "k1", "s1", "s2", "bastion");

    /** Ports where TLS starts with the first byte: submissions (465), IMAPS (993), POP3S (995). */
    public record ImplicitTlsPorts(Optional<Integer> submissions, Optional<Integer> imaps, Optional<Integer> pop3s) {
        public static final ImplicitTlsPorts NONE = new ImplicitTlsPorts(Optional.empty(), Optional.empty(), Optional.empty());
    }

    public AuditSettings(DnsResolver dns, Duration timeout, int smtpPort, CertificateTrust trust, List<String> dkimSelectors,
            String heloName, Optional<Integer> submissionPort, Optional<Integer> imapPort, Optional<Integer> pop3Port,
            Optional<MailAddress> smugglingRecipient) {
        this(dns, timeout, smtpPort, trust, dkimSelectors, heloName, submissionPort, imapPort, pop3Port, smugglingRecipient,
                ImplicitTlsPorts.NONE);
    }

    public AuditSettings {
        dkimSelectors = List.copyOf(dkimSelectors);
        if (smtpPort < 1 || smtpPort > 65535) {
            throw new IllegalArgumentException("port out of range: " + smtpPort);
        }
        // the address is written into SMTP command lines: nothing that could end or extend a line (RFC 5321 4.1.2)
        smugglingRecipient.ifPresent(r -> {
            String text = r.toString();
            if (r.needsQuoting() || text.length() > 254 || text.chars().anyMatch(c -> c <= 0x20 || c == 0x7f || c == '<' || c == '>')) {
                throw new IllegalArgumentException("--probe-recipient: not a plain address: " + text);
            }
        });
    }

    /** Settings without IMAP and POP3 probes. */
    public AuditSettings(DnsResolver dns, Duration timeout, int smtpPort, CertificateTrust trust, List<String> dkimSelectors,
            String heloName, Optional<Integer> submissionPort) {
        this(dns, timeout, smtpPort, trust, dkimSelectors, heloName, submissionPort, Optional.empty(), Optional.empty(), Optional.empty());
    }

    public AuditSettings withAccessPorts(Optional<Integer> imap, Optional<Integer> pop3) {
        return new AuditSettings(dns, timeout, smtpPort, trust, dkimSelectors, heloName, submissionPort, imap, pop3, smugglingRecipient,
                implicitTls);
    }

    /** Also audits these implicit-TLS ports. */
    public AuditSettings withImplicitTlsPorts(ImplicitTlsPorts ports) {
        return new AuditSettings(dns, timeout, smtpPort, trust, dkimSelectors, heloName, submissionPort, imapPort, pop3Port,
                smugglingRecipient, ports);
    }

    /** Opts in to the SMTP smuggling probe, which delivers a few test messages to {@code recipient}. */
    public AuditSettings withSmugglingProbe(MailAddress recipient) {
        return new AuditSettings(dns, timeout, smtpPort, trust, dkimSelectors, heloName, submissionPort, imapPort, pop3Port,
                Optional.of(recipient), implicitTls);
    }

    List<String> selectors() {
        return dkimSelectors.isEmpty() ? COMMON_SELECTORS : dkimSelectors;
    }
}
