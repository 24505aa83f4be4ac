package org.bastionmail.imap;

import java.time.Duration;
import org.bastionmail.config.Config;

/**
 * What a client can hit, each with its reply.
 *
 * @param lineLength longest line of a command in bytes (BAD)
 * @param commandSize largest command, literals included, except APPEND's message (BAD)
 * @param messageSize largest APPEND message (NO [TOOBIG]; advertised as APPENDLIMIT, RFC 7889)
 * @param idleTimeout how long a client may stay silent, IDLE included (RFC 9051 5.4: at least 30 minutes)
 * @param badCommands BAD replies after which the connection is closed
 * @param failedLogins failed authentications after which the connection is closed
 */
public record ImapLimits(int lineLength, long commandSize, long messageSize, Duration idleTimeout, int badCommands,
        int failedLogins) {

    public static ImapLimits defaults(Config.Limits limits) {
        return new ImapLimits(8192, 65_536, limits.messageSize(), Duration.ofMinutes(30), 20, 3);
    }
}
