package org.bastionmail.smtp;

import java.util.Optional;

/** One command line of RFC 5321 4.1.1 as parsed, before the session looks at its state. */
sealed interface SmtpCommand {
    record Ehlo(String domain) implements SmtpCommand {}

    record Helo(String domain) implements SmtpCommand {}

    /** {@code MAIL FROM:<path> params}; path and parameters are still text, parsed by the MAIL phase. */
    record Mail(String path, String params) implements SmtpCommand {}

    record Rcpt(String path, String params) implements SmtpCommand {}

    record Data() implements SmtpCommand {}

    /** RFC 3030 2: {@code BDAT chunk-size [LAST]}. */
    record Bdat(long size, boolean last) implements SmtpCommand {}

    record Rset() implements SmtpCommand {}

    record Noop(String argument) implements SmtpCommand {}

    record Quit() implements SmtpCommand {}

    record Vrfy(String argument) implements SmtpCommand {}

    record Expn(String argument) implements SmtpCommand {}

    record Help(String argument) implements SmtpCommand {}

    record StartTls() implements SmtpCommand {}

    /** RFC 4954 4: {@code AUTH mechanism [initial-response]}, the response still base64. */
    record Auth(String mechanism, Optional<String> initialResponse) implements SmtpCommand {}

    record Unknown(String verb) implements SmtpCommand {}

    /** A known verb with arguments that do not fit its syntax (501). */
    record Malformed(String verb) implements SmtpCommand {}
}
