package org.bastionmail.smtp.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How long the client waits at each step of a session. The defaults are the minimums of RFC 5321 4.5.3.2;
 * tests shorten them.
 *
 * @param connect establishing the TCP connection (the RFC names no value; 30 s as in Postfix)
 * @param greeting the initial 220 (RFC 5321 4.5.3.2.1: 5 minutes)
 * @param command EHLO, HELO, STARTTLS and the TLS handshake, AUTH, RSET, QUIT (5 minutes, as for MAIL)
 * @param mail the reply to MAIL (4.5.3.2.2: 5 minutes)
 * @param rcpt the reply to each RCPT (4.5.3.2.3: 5 minutes)
 * @param dataInit the 354 to DATA (4.5.3.2.4: 2 minutes)
 * @param dataBlock each block of content written (4.5.3.2.5: 3 minutes)
 * @param dataEnd the reply to the final dot (4.5.3.2.6: 10 minutes)
 */
public record Timeouts(Duration connect, Duration greeting, Duration command, Duration mail, Duration rcpt,
        Duration dataInit, Duration dataBlock, Duration dataEnd) {

    public Timeouts {
        for (Duration d : new Duration[] {connect, greeting, command, mail, rcpt, dataInit, dataBlock, dataEnd}) {
            Objects.requireNonNull(d, "timeout");
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive: " + d);
            }
        }
    }

    /** RFC 5321 4.5.3.2. */
    public static Timeouts rfc5321() {
        return new Timeouts(Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofMinutes(5),
                Duration.ofMinutes(5), Duration.ofMinutes(5), Duration.ofMinutes(2), Duration.ofMinutes(3),
                Duration.ofMinutes(10));
    }

    /** Every step with the same limit, for tests. */
    public static Timeouts all(Duration each) {
        return new Timeouts(each, each, each, each, each, each, each, each);
    }
}
