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
 * @param loginDelay the wait after the first failed LOGIN or AUTHENTICATE; it doubles with each further
 *     failure on the connection, up to eight times this
 * @param connectionsPerUser logged-in connections one account may hold at once, over imap and imaps
 *     together; one more gets NO [LIMIT] on login
 * @param commandBurst commands a client may send at once before the rate applies
 * @param commandsPerSecond commands per second a client may send in the long run; a command over the
 *     rate gets NO [LIMIT] and is not run
 * @param floodRefusals commands refused for the rate after which the connection is closed (BYE)
 */
public record ImapLimits(int lineLength, long commandSize, long messageSize, Duration idleTimeout, int badCommands,
        int failedLogins, Duration loginDelay, int connectionsPerUser, int commandBurst, int commandsPerSecond,
        int floodRefusals) {

    public ImapLimits {
        if (lineLength < 1000 || commandSize < lineLength || messageSize < 1 || badCommands < 1 || failedLogins < 1
                || loginDelay.isNegative() || connectionsPerUser < 1 || commandBurst < 1 || commandsPerSecond < 1
                || floodRefusals < 1 || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("IMAP limits out of range");
        }
    }

    public static ImapLimits defaults(Config.Limits limits) {
        // A syncing client (mbsync, Thunderbird) pipelines a few hundred commands at most; a sustained
        // 50 per second is beyond any human and most robots.
        return new ImapLimits(8192, 65_536, limits.messageSize(), Duration.ofMinutes(30), 20, 3,
                Duration.ofSeconds(1), 20, 500, 50, 20);
    }

    /** These limits with another APPEND size. */
    public ImapLimits withMessageSize(long size) {
        return new ImapLimits(lineLength, commandSize, size, idleTimeout, badCommands, failedLogins, loginDelay,
                connectionsPerUser, commandBurst, commandsPerSecond, floodRefusals);
    }
}
