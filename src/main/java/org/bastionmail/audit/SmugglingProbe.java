package org.bastionmail.audit;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import org.bastionmail.mail.MailAddress;

/**
 * SMTP smuggling (CVE-2023-51764/51765/51766): a server that takes a line ending other than CRLF "." CRLF as the
 * end of DATA (RFC 5321 4.1.1.4) runs whatever follows as new commands, so a sender can hide a second,
 * spoofed message inside the first. Opt-in only, because each variant delivers a test message: one session
 * per variant, to the one recipient the user named in the audited domain, ending with RSET and QUIT.
 */
final class SmugglingProbe {
    /** The fake end-of-data sequences tried; RFC 5321 2.3.8 allows only CRLF "." CRLF. */
    static final List<String> VARIANTS = List.of("\n.\n", "\r.\r", "\r\n.\n", "\n.\r\n", "\r.\r\n");
    /** A vulnerable server answers at most the first message, MAIL, RCPT, DATA and the smuggled message. */
    private static final int MAX_REPLIES = 6;

    private final AuditSettings settings;
    private final SmtpTarget target;
    private final MailAddress recipient;
    private final String token;

    SmugglingProbe(AuditSettings settings, SmtpTarget target, MailAddress recipient) {
        this.settings = settings;
        this.target = target;
        this.recipient = recipient;
        byte[] random = new byte[6];
        new SecureRandom().nextBytes(random);
        this.token = HexFormat.of().formatHex(random);
    }

    /** One probe per variant, each on its own connection. */
    List<Callable<List<Finding>>> probes() {
        return VARIANTS.stream().<Callable<List<Finding>>>map(v -> () -> probe(v)).toList();
    }

    static String shown(String variant) {
        return variant.replace("\r", "<CR>").replace("\n", "<LF>");
    }

    List<Finding> probe(String variant) throws IOException {
        String subject = target.label();
        String sender = SmtpAudit.EXTERNAL_SENDER;
        try (ProbeSession s = ProbeSession.connect(target.address(), target.host(), settings.timeout())) {
            if (s.readSmtp().code() != 220 || !s.smtp("EHLO " + settings.heloName()).positive()) {
                return List.of();
            }
            s.takeTranscript();
            if (!s.smtp("MAIL FROM:<" + sender + ">").positive() || !s.smtp("RCPT TO:<" + recipient + ">").positive()
                    || s.smtp("DATA").code() != 354) {
                String evidence = s.takeTranscript();
                end(s);
                return List.of(Finding.info("smtp.smuggling.probe", subject,
                        "Smuggling probe " + shown(variant) + " not run: the test message was refused before DATA", evidence));
            }
            String smuggled = "MAIL FROM:<" + sender + ">\r\nRCPT TO:<" + recipient + ">\r\nDATA\r\nSubject: smuggled " + token + "\r\n\r\nx\r\n";
            s.sendVisible("From: <" + sender + ">\r\nTo: <" + recipient + ">\r\nSubject: bastion audit smuggling probe " + token + "\r\n\r\n"
                    + "Sent by bastion audit --probe-smuggling; it may be deleted.\r\n" + variant + smuggled + "\r\n.\r\n");
            List<Reply> replies = new ArrayList<>();
            try {
                replies.add(s.readSmtp());
                // a vulnerable server answers the smuggled commands too, right after the first message
                while (replies.size() < MAX_REPLIES && s.hasDataWithin(settings.timeout().dividedBy(4))) {
                    replies.add(s.readSmtp());
                }
            } catch (IOException e) {
                // hung up on: what was read is the answer
            }
            long accepted = replies.stream().filter(r -> r.code() == 250).count();
            String evidence = s.takeTranscript();
            end(s);
            if (accepted > 1) {
                return List.of(new Finding("smtp.smuggling", Severity.CRITICAL, subject,
                        "SMTP smuggling: " + shown(variant) + " is taken as the end of DATA, so a second, forged message can be hidden in the first",
                        evidence + "\n(" + accepted + " replies 250 after the final dot: the smuggled transaction was run)",
                        "Accept only <CR><LF>.<CR><LF> as the end of DATA and refuse bare CR and LF (RFC 5321 2.3.8, 4.1.1.4),"
                                + " e.g. smtpd_forbid_bare_newline = normalize in Postfix 3.9, or upgrade the server."));
            }
            String outcome = accepted == 1
                    ? "accepted as one message: the fake end of data was not taken as the end"
                    : replies.isEmpty() ? "no reply after the final dot" : "refused (" + replies.getFirst().code() + ")";
            return List.of(Finding.info("smtp.smuggling.probe", subject, "Smuggling probe " + shown(variant) + ": " + outcome, evidence));
        }
    }

    /** RFC 5321 4.1.1.5 and 4.1.1.10: nothing stays open; the server may already have hung up. */
    private static void end(ProbeSession s) {
        try {
            s.smtp("RSET");
            s.smtp("QUIT");
        } catch (IOException e) {
            // the connection is already gone
        }
        s.takeTranscript();
    }
}
