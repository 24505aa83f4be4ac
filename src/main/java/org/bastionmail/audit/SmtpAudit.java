package org.bastionmail.audit;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/**
 * The probes of one SMTP service over plain connections: banner, EHLO, STARTTLS and AUTH offered, VRFY and
 * EXPN, relaying, pipelined STARTTLS injection and overlong lines. No probe sends DATA: relay tests stop at
 * RCPT and end with RSET and QUIT, so no message is ever sent.
 */
final class SmtpAudit {
    // software names and version numbers in a banner tell an attacker which exploits to try (RFC 5321 4.3.1 lets the greeting be just the name)
    private static final Pattern SOFTWARE = Pattern.compile(
            "(?i)\\b(postfix|exim|sendmail|qmail|exchange|microsoft|haraka|opensmtpd|courier|zimbra|"
                    + "mdaemon|hmailserver|kerio|communigate|smail|james|axigen|icewarp|ironport|barracuda|dovecot|cyrus|qpopper)\\b");
    private static final Pattern VERSION = Pattern.compile("\\b[0-9]+\\.[0-9]+(\\.[0-9]+)*\\b");
    private static final Pattern ADDRESS_LIKE = Pattern.compile("^[0-9.]+$");
    /** RFC 2606 reserved domains: a relay test never names a real third party. */
    static final String EXTERNAL_SENDER = "audit@example.org";
    static final String EXTERNAL_DOMAIN = "example.net";
    private static final int LONG_LINE = 10_000;
    private static final int MAX_RELAY_CONNECTIONS = 5;

    private final AuditSettings settings;
    private final SmtpTarget target;

    SmtpAudit(AuditSettings settings, SmtpTarget target) {
        this.settings = settings;
        this.target = target;
    }

    /** The probes that can run at the same time, each on its own connection. */
    List<Callable<List<Finding>>> probes() {
        return List.of(this::session, this::relay, this::starttlsInjection, this::longLine, () -> new TlsAudit(settings, target).run());
    }

    private ProbeSession open() throws IOException {
        return ProbeSession.open(target, settings.timeout());
    }

    private List<Finding> session() throws IOException {
        List<Finding> findings = new ArrayList<>();
        String subject = target.label();
        try (ProbeSession s = open()) {
            Reply banner = s.readSmtp();
            String bannerEvidence = s.takeTranscript();
            if (banner.code() != 220) {
                findings.add(Finding.info("smtp.banner.refused", subject, "The server does not accept connections (" + banner.code() + ")", bannerEvidence));
                return findings;
            }
            disclosure(banner.lines().getFirst().substring(Math.min(4, banner.lines().getFirst().length())))
                    .ifPresent(word -> findings.add(new Finding("smtp.banner.disclosure", Severity.LOW, subject,
                            "The banner discloses the server software or version (" + word + ")", bannerEvidence,
                            "Configure a banner with just the host name and ESMTP, e.g. smtpd_banner = $myhostname ESMTP"
                                    + " in Postfix.")));
            Reply ehlo = s.smtp("EHLO " + settings.heloName());
            String ehloEvidence = s.takeTranscript();
            if (!ehlo.positive()) {
                findings.add(new Finding("smtp.ehlo.unsupported", Severity.MEDIUM, subject, "EHLO is refused: no ESMTP, so no STARTTLS",
                        ehloEvidence, "Enable ESMTP (RFC 5321 4.1.1.1) so that clients can use STARTTLS."));
                s.smtp("HELO " + settings.heloName());
                s.takeTranscript();
            } else {
                findings.add(Finding.info("smtp.ehlo.capabilities", subject, "EHLO capabilities", ehloEvidence));
                disclosure(ehlo.lines().getFirst().substring(Math.min(4, ehlo.lines().getFirst().length())))
                        .ifPresent(word -> findings.add(new Finding("smtp.ehlo.disclosure", Severity.LOW, subject,
                                "The EHLO greeting discloses the server software or version (" + word + ")", ehloEvidence,
                                "Reply to EHLO with the host name only.")));
                List<String> keywords = ehlo.lines().stream().skip(1).map(l -> l.length() > 4 ? l.substring(4).strip() : "")
                        .map(l -> l.toUpperCase(Locale.ROOT)).toList();
                if (!target.implicitTls() && keywords.stream().noneMatch(k -> k.equals("STARTTLS"))) {
                    findings.add(new Finding("smtp.starttls.missing", Severity.HIGH, subject, "STARTTLS is not offered: mail to this server travels in clear text",
                            ehloEvidence, "Configure a certificate and enable STARTTLS (RFC 3207), e.g. smtpd_tls_security_level = may in Postfix."));
                }
                keywords.stream().filter(k -> !target.implicitTls() && k.startsWith("AUTH")).findFirst().ifPresent(auth -> findings.add(new Finding(
                        "smtp.auth.plaintext", Severity.HIGH, subject, "AUTH is offered before TLS: passwords can be sent in clear text",
                        ehloEvidence, "Offer AUTH only after STARTTLS (e.g. smtpd_tls_auth_only = yes in Postfix)"
                                + (target.submission() ? "." : ", and only on the submission ports, not on port 25."))));
            }
            // a name no server has, to compare with one every server has (RFC 5321 4.5.1: postmaster)
            byte[] random = new byte[6];
            new SecureRandom().nextBytes(random);
            String madeUp = "audit-" + HexFormat.of().formatHex(random) + "-nosuchuser";
            for (String command : List.of("VRFY", "EXPN")) {
                Reply known = s.smtp(command + " postmaster");
                Reply unknown = known.code() / 100 == 5 ? known : s.smtp(command + " " + madeUp);
                String evidence = s.takeTranscript();
                // RFC 5321 3.5.3: 252 is the answer that reveals nothing; 250/251 confirm the address; and a server
                // that answers 252 for real users but 550 for made-up ones (Postfix does) tells them apart all the same
                boolean confirms = known.code() == 250 || known.code() == 251;
                boolean tellsApart = known.code() / 100 == 2 && unknown.code() / 100 == 5;
                if (confirms || tellsApart) {
                    findings.add(new Finding("smtp." + command.toLowerCase(Locale.ROOT), Severity.MEDIUM, subject,
                            command + (confirms ? " confirms addresses" : " answers differently for real and made-up users")
                                    + ": user names can be enumerated", evidence,
                            "Disable " + command + " or answer 252 to every address (e.g. disable_vrfy_command = yes in Postfix)."));
                }
            }
            s.send("QUIT");
        }
        return findings;
    }

    /**
     * The classic relay tests: every recipient is outside the server's domains, so none may be accepted
     * unauthenticated. A server may hang up on a client that keeps trying (a refusal too): the remaining
     * attempts then continue on a new connection, a bounded number of times.
     */
    private List<Finding> relay() throws IOException {
        String local = target.localDomain();
        String ext = EXTERNAL_DOMAIN;
        List<String> recipients = new ArrayList<>(List.of(
                "relaytest@" + ext,
                "relaytest%" + ext + "@" + local,
                "\"relaytest@" + ext + "\"@" + local,
                "relaytest@" + ext + "@" + local,
                "@" + local + ":relaytest@" + ext,
                ext + "!relaytest@" + local,
                "relaytest@" + ext + "."));
        if (ADDRESS_LIKE.matcher(target.address().getAddress().getHostAddress()).matches()) {
            recipients.add("relaytest%" + ext + "@[" + target.address().getAddress().getHostAddress() + "]");
        }
        List<String[]> attempts = new ArrayList<>();
        for (String sender : List.of(EXTERNAL_SENDER, "")) {
            for (String rcpt : recipients) {
                attempts.add(new String[] {sender, rcpt});
            }
        }
        int next = 0;
        for (int connection = 0; connection < MAX_RELAY_CONNECTIONS && next < attempts.size(); connection++) {
            try (ProbeSession s = open()) {
                if (s.readSmtp().code() != 220 || !s.smtp("EHLO " + settings.heloName()).positive()) {
                    return List.of();
                }
                s.takeTranscript();
                while (next < attempts.size()) {
                    String[] attempt = attempts.get(next);
                    String from = "MAIL FROM:<" + attempt[0] + ">";
                    Reply mail = s.smtp(from);
                    if (!mail.positive()) {
                        // this sender is refused outright: skip its recipients
                        s.smtp("RSET");
                        s.takeTranscript();
                        while (next < attempts.size() && attempts.get(next)[0].equals(attempt[0])) {
                            next++;
                        }
                        continue;
                    }
                    Reply r = s.smtp("RCPT TO:<" + attempt[1] + ">");
                    String evidence = s.takeTranscript();
                    next++;
                    if (r.positive()) {
                        s.smtp("RSET");
                        s.send("QUIT");
                        return List.of(new Finding("smtp.open-relay", Severity.CRITICAL, target.label(),
                                "Open relay: the server accepts a recipient outside its domains without authentication (<" + attempt[1] + ">)",
                                evidence + "\n(the test stopped at RCPT and sent RSET: no message was sent)",
                                "Only relay for authenticated clients and for your own domains (e.g. smtpd_relay_restrictions ="
                                        + " permit_sasl_authenticated, reject_unauth_destination in Postfix; check mynetworks)."));
                    }
                    // RFC 5321 4.1.1.5: RSET ends the transaction before the next attempt
                    s.smtp("RSET");
                    s.takeTranscript();
                }
                s.send("QUIT");
            } catch (IOException e) {
                // hung up on: the attempt in progress was refused; go on with the next on a new connection
                next++;
            }
        }
        return List.of();
    }

    /**
     * RFC 3207 4.2 (and CVE-2011-0411): commands pipelined after STARTTLS in the same packet must be discarded,
     * not answered inside the TLS session, or a man in the middle can inject commands.
     */
    private List<Finding> starttlsInjection() throws IOException {
        if (target.implicitTls()) {
            return List.of();
        }
        try (ProbeSession s = open()) {
            if (s.readSmtp().code() != 220 || !ehloOffersStartTls(s)) {
                return List.of();
            }
            s.takeTranscript();
            s.sendRaw("STARTTLS\r\nNOOP\r\n");
            Reply starttls = s.readSmtp();
            if (starttls.code() != 220) {
                return List.of();
            }
            try {
                s.startTls(TlsAudit.inspectingContext());
            } catch (IOException e) {
                return List.of();
            }
            // a vulnerable server answers the NOOP it buffered before the handshake without being asked
            if (s.hasDataWithin(settings.timeout().dividedBy(4))) {
                s.readSmtp();
                return List.of(new Finding("smtp.starttls.injection", Severity.HIGH, target.label(),
                        "Commands pipelined with STARTTLS are executed inside TLS: a man in the middle can inject commands",
                        s.takeTranscript() + "\n(the server answered the NOOP sent in clear text before the handshake)",
                        "Upgrade the server: after STARTTLS it must discard any input received before the TLS handshake (RFC 3207 4.2)."));
            }
            s.send("QUIT");
            return List.of();
        }
    }

    private boolean ehloOffersStartTls(ProbeSession s) throws IOException {
        Reply ehlo = s.smtp("EHLO " + settings.heloName());
        return ehlo.positive() && ehlo.lines().stream().skip(1)
                .anyMatch(l -> l.length() > 4 && l.substring(4).strip().equalsIgnoreCase("STARTTLS"));
    }

    /** RFC 5321 4.5.3.1.4: command lines are at most 512 octets; a server should refuse longer ones, not buffer them. */
    private List<Finding> longLine() throws IOException {
        try (ProbeSession s = open()) {
            if (s.readSmtp().code() != 220) {
                return List.of();
            }
            s.smtp("EHLO " + settings.heloName());
            s.takeTranscript();
            s.send("NOOP " + "A".repeat(LONG_LINE));
            Reply r;
            try {
                r = s.readSmtp();
            } catch (IOException e) {
                return List.of(Finding.info("smtp.long-line", target.label(), "An overlong command line closes the connection", s.takeTranscript()));
            }
            if (r.positive()) {
                return List.of(new Finding("smtp.long-line", Severity.LOW, target.label(),
                        "A " + LONG_LINE + "-octet command line is accepted: the server buffers unbounded lines",
                        s.takeTranscript(), "Limit command lines (RFC 5321 4.5.3.1.4: 512 octets) and answer 500 to longer ones."));
            }
            s.send("QUIT");
            return List.of();
        }
    }

    /** The first word of a greeting that names software or a version, if any. */
    static java.util.Optional<String> disclosure(String greeting) {
        var software = SOFTWARE.matcher(greeting);
        if (software.find()) {
            return java.util.Optional.of(software.group());
        }
        // the first word is the host name (RFC 5321 4.2), which may contain digits and dots
        String rest = greeting.contains(" ") ? greeting.substring(greeting.indexOf(' ')) : "";
        var version = VERSION.matcher(rest);
        return version.find() ? java.util.Optional.of(version.group()) : java.util.Optional.empty();
    }
}
