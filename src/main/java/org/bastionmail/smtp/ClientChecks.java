package org.bastionmail.smtp;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import org.bastionmail.mail.MailAddress;

/**
 * Checks of the client itself rather than of its message (issue 8, availability under abuse): talking before
 * the greeting, protocol abuse, rate limits, DNS block lists and greylisting. The session asks at the points
 * SMTP offers; the implementation (package screening) decides.
 */
public interface ClientChecks {
    /** Called once per connection, before the greeting; the screen lives as long as the session. */
    Screen connected(InetAddress client, SmtpMode mode);

    /** Misbehaviour the session saw; counted and logged, the session goes on unless it says otherwise. */
    enum Abuse {
        /** Bytes before the greeting was sent (like Postfix postscreen's pregreet test). */
        PREGREET,
        /** Commands sent ahead where RFC 2920 3.1 does not allow it (after EHLO, HELO, DATA, NOOP, QUIT...). */
        PIPELINING,
        /** An unknown verb, a NUL or a bare CR/LF in a command line: not an SMTP client. */
        ILLEGAL_COMMAND
    }

    /**
     * A refusal to send.
     *
     * @param check the check that refused, a fixed word for the transaction log and metrics ({@code dnsbl},
     *     {@code greylist}, {@code message_rate}, {@code recipient_rate})
     * @param clientError whether it counts towards {@code [limits] errors}: a greylisting deferral is the
     *     server's choice, not the client's fault, and a list server sending to many recipients must not be
     *     cut off for it
     */
    record Refusal(String check, int code, String enhancedCode, String text, boolean clientError) {
        public Refusal {
            if (code < 400 || code > 599) {
                throw new IllegalArgumentException("a refusal is a 4xx or 5xx reply: " + code);
            }
        }
    }

    /** What one session asks. */
    interface Screen {
        /**
         * How long to listen for a client that talks first before sending the greeting (MX only); zero: only
         * look whether bytes are already there; empty: no pregreet check at all (trusted or known clients).
         */
        Optional<Duration> pregreetWait();

        /** The client waited for the greeting. */
        void greeted();

        void noticed(Abuse abuse);

        /** At MAIL FROM, once the command itself was accepted: the message rate limits. */
        Optional<Refusal> mail(Optional<String> account);

        /**
         * At RCPT TO, once the recipient is known to be acceptable: recipient rate, DNS block lists, greylisting.
         *
         * @param mayRelay the client authenticated or comes from a relay network
         */
        Optional<Refusal> rcpt(Optional<String> account, boolean mayRelay, String helo, Optional<MailAddress> sender,
                MailAddress recipient);
    }

    /** No checks: every client is welcome. */
    static ClientChecks none() {
        Screen open = new Screen() {
            @Override
            public Optional<Duration> pregreetWait() {
                return Optional.empty();
            }

            @Override
            public void greeted() {}

            @Override
            public void noticed(Abuse abuse) {}

            @Override
            public Optional<Refusal> mail(Optional<String> account) {
                return Optional.empty();
            }

            @Override
            public Optional<Refusal> rcpt(Optional<String> account, boolean mayRelay, String helo,
                    Optional<MailAddress> sender, MailAddress recipient) {
                return Optional.empty();
            }
        };
        return (client, mode) -> open;
    }
}
