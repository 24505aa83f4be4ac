package org.bastionmail.smtp;

import org.bastionmail.mail.MailAddress;

/** What is between the angle brackets of a MAIL or RCPT path (RFC 5321 4.1.2). */
sealed interface SmtpPath {
    /** The null reverse-path {@code <>} (RFC 5321 4.5.5), only valid in MAIL. */
    record NullPath() implements SmtpPath {}

    /** The bare {@code <postmaster>} of RFC 5321 4.5.1, only valid in RCPT. */
    record Postmaster() implements SmtpPath {}

    /**
     * A mailbox. A source route before it has been dropped (RFC 5321 4.1.1.3 and C); {@code hadRoute} tells
     * it was there, for the log.
     */
    record Mailbox(MailAddress address, boolean addressLiteral, boolean hadRoute) implements SmtpPath {
        /**
         * Whether the local part carries old relaying syntax: {@code user%host}, {@code host!user} or
         * an {@code @} inside quotes. Such an address is never delivered or relayed from the MX.
         */
        boolean hasRelaySyntax() {
            String local = address.localPart();
            return local.indexOf('%') >= 0 || local.indexOf('!') >= 0 || local.indexOf('@') >= 0;
        }

        boolean isAscii() {
            return address.localPart().chars().allMatch(c -> c < 0x80)
                    && address.domain().chars().allMatch(c -> c < 0x80);
        }
    }
}
