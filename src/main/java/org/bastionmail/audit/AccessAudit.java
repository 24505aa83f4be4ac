package org.bastionmail.audit;

import java.io.IOException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLSocket;

/**
 * The mail access ports: IMAP (RFC 9051) and POP3 (RFC 1939, RFC 2595). Checks that TLS is offered, that
 * passwords cannot be sent before it (RFC 8314 3.1, RFC 9051 6.2.3 LOGINDISABLED), and the certificate.
 */
final class AccessAudit {
    enum Protocol { IMAP, POP3 }

    private final AuditSettings settings;
    private final SmtpTarget target;
    private final Protocol protocol;

    AccessAudit(AuditSettings settings, SmtpTarget target, Protocol protocol) {
        this.settings = settings;
        this.target = target;
        this.protocol = protocol;
    }

    List<Finding> run() throws IOException {
        List<Finding> findings = new ArrayList<>();
        String subject = protocol + (target.implicitTls() ? "S " : " ") + target.label();
        String prefix = protocol.name().toLowerCase(Locale.ROOT);
        List<X509Certificate> chain = new ArrayList<>();
        boolean tls;
        try (ProbeSession s = ProbeSession.open(target, settings.timeout())) {
            String greeting = s.readLine().orElseThrow(() -> new IOException("no greeting"));
            String greetingEvidence = s.takeTranscript();
            SmtpAudit.disclosure(greeting.replaceFirst("^(\\* OK|\\+OK)\\s*(\\[[^]]*]\\s*)?", "x "))
                    .ifPresent(word -> findings.add(new Finding(prefix + ".banner.disclosure", Severity.LOW, subject,
                            "The greeting discloses the server software or version (" + word + ")", greetingEvidence,
                            "Configure a greeting without software name or version.")));
            List<String> capabilities = capabilities(s);
            String evidence = s.takeTranscript();
            if (target.implicitTls()) {
                tls = true;
                addChain(s.tls().orElseThrow(), chain);
            } else {
                tls = capabilities.contains(protocol == Protocol.IMAP ? "STARTTLS" : "STLS");
                if (!tls) {
                    findings.add(new Finding(prefix + ".starttls.missing", Severity.HIGH, subject, protocol + " offers no STARTTLS: mail and passwords travel in clear text",
                            evidence, "Enable STARTTLS, or close this port and offer implicit TLS only (RFC 8314)."));
                }
                // RFC 9051 6.2.3 (LOGINDISABLED), RFC 2595 6 and RFC 8314 3.1: no password before TLS
                boolean passwordsInClear = protocol == Protocol.IMAP
                        ? !capabilities.contains("LOGINDISABLED")
                        : capabilities.contains("USER") || capabilities.stream().anyMatch(c -> c.startsWith("SASL") && c.contains("PLAIN"));
                if (passwordsInClear) {
                    findings.add(new Finding(prefix + ".auth.plaintext", Severity.HIGH, subject,
                            "Passwords are accepted before TLS" + (protocol == Protocol.IMAP ? " (no LOGINDISABLED)" : " (USER or SASL PLAIN offered)"),
                            evidence, "Refuse authentication until TLS is active (RFC 8314 3.1; e.g. disable_plaintext_auth = yes in Dovecot)."));
                }
                if (tls) {
                    String command = protocol == Protocol.IMAP ? "a2 STARTTLS" : "STLS";
                    s.send(command);
                    String answer = s.readLine().orElse("");
                    if (answer.startsWith("a2 OK") || answer.startsWith("+OK")) {
                        addChain(s.startTls(TlsAudit.inspectingContext()), chain);
                    } else {
                        findings.add(new Finding(prefix + ".starttls.refused", Severity.HIGH, subject, "STARTTLS is announced but refused",
                                s.takeTranscript(), "Fix the server's TLS configuration."));
                        return findings;
                    }
                }
            }
        }
        if (tls) {
            TlsAudit audit = new TlsAudit(settings, target);
            audit.certificate(chain, findings, subject);
            findings.addAll(audit.scan(target.implicitTls() ? TlsEntry.IMPLICIT
                    : protocol == Protocol.IMAP ? TlsEntry.IMAP_STARTTLS : TlsEntry.POP3_STLS, subject));
        }
        return findings;
    }

    private static void addChain(SSLSocket socket, List<X509Certificate> chain) throws IOException {
        for (Certificate c : socket.getSession().getPeerCertificates()) {
            chain.add((X509Certificate) c);
        }
    }

    /** The capability words, upper case: IMAP's CAPABILITY response (RFC 9051 7.2.2), POP3's CAPA list (RFC 2449 5). */
    private List<String> capabilities(ProbeSession s) throws IOException {
        List<String> words = new ArrayList<>();
        s.send(protocol == Protocol.IMAP ? "a1 CAPABILITY" : "CAPA");
        for (int i = 0; i < ProbeSession.MAX_REPLY_LINES; i++) {
            Optional<String> line = s.readLine();
            if (line.isEmpty()) {
                break;
            }
            String l = line.get();
            if (protocol == Protocol.IMAP) {
                if (l.toUpperCase(Locale.ROOT).startsWith("* CAPABILITY ")) {
                    words.addAll(List.of(l.substring(13).toUpperCase(Locale.ROOT).split(" +")));
                }
                if (l.startsWith("a1 ")) {
                    break;
                }
            } else {
                if (l.equals(".") || l.startsWith("-ERR")) {
                    break;
                }
                if (!l.startsWith("+OK")) {
                    words.add(l.toUpperCase(Locale.ROOT).strip());
                }
            }
        }
        return words;
    }
}
