package org.bastionmail.audit;

import java.io.IOException;
import java.util.Optional;

/** How a service starts TLS: by a STARTTLS-style command of its protocol, or from the first byte (RFC 8314 3). */
enum TlsEntry {
    /** RFC 3207: EHLO, STARTTLS, 220. */
    SMTP_STARTTLS,
    /** RFC 9051 6.2.1: STARTTLS, tagged OK. */
    IMAP_STARTTLS,
    /** RFC 2595 4: STLS, +OK. */
    POP3_STLS,
    /** RFC 8314 3.3: ports 465, 993 and 995. */
    IMPLICIT;

    /**
     * A plain connection at the point where the server awaits a ClientHello; empty when the server does not
     * offer or refuses the upgrade (nothing to scan then).
     */
    Optional<ProbeSession> open(SmtpTarget target, AuditSettings settings) throws IOException {
        ProbeSession s = ProbeSession.connect(target.address(), target.host(), settings.timeout());
        try {
            boolean ready = switch (this) {
                case IMPLICIT -> true;
                case SMTP_STARTTLS -> s.readSmtp().code() == 220 && s.smtp("EHLO " + settings.heloName()).positive()
                        && s.smtp("STARTTLS").code() == 220;
                case IMAP_STARTTLS -> s.readLine().orElse("").startsWith("* OK") && okAfter(s, "s1 STARTTLS", "s1 OK");
                case POP3_STLS -> s.readLine().orElse("").startsWith("+OK") && okAfter(s, "STLS", "+OK");
            };
            if (ready) {
                return Optional.of(s);
            }
            s.close();
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** Sends {@code command} and reads lines until the tagged or single-line answer; whether it starts with {@code ok}. */
    private static boolean okAfter(ProbeSession s, String command, String ok) throws IOException {
        s.send(command);
        String tag = command.contains(" ") ? command.substring(0, command.indexOf(' ') + 1) : "";
        for (int i = 0; i < ProbeSession.MAX_REPLY_LINES; i++) {
            Optional<String> line = s.readLine();
            if (line.isEmpty()) {
                return false;
            }
            if (tag.isEmpty() || line.get().startsWith(tag)) {
                return line.get().startsWith(ok);
            }
        }
        return false;
    }
}
