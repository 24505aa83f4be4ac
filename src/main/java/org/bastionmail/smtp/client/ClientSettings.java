package org.bastionmail.smtp.client;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * How the SMTP client presents itself and what it tolerates from servers.
 *
 * @param heloName the name given in EHLO/HELO (RFC 5321 4.1.1.1: the client's primary host name)
 * @param sourceAddress the local address to connect from ({@code [delivery] source_ip})
 * @param maxReplyLineLength longest reply line accepted, CRLF included (RFC 5321 4.5.3.1.5 says 512; servers
 *     exceed it, so the default is more generous, but bounded)
 * @param maxReplyLines most lines in one multi-line reply (an EHLO reply has one per extension)
 */
public record ClientSettings(String heloName, Optional<InetAddress> sourceAddress, Timeouts timeouts,
        int maxReplyLineLength, int maxReplyLines) {

    public ClientSettings {
        Objects.requireNonNull(heloName, "heloName");
        Objects.requireNonNull(sourceAddress, "sourceAddress");
        Objects.requireNonNull(timeouts, "timeouts");
        if (heloName.isBlank() || heloName.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
            throw new IllegalArgumentException("not a usable EHLO name: '" + heloName + "'");
        }
        if (maxReplyLineLength < 512 || maxReplyLines < 1) {
            throw new IllegalArgumentException("reply limits too small");
        }
    }

    public static ClientSettings defaults(String heloName) {
        return new ClientSettings(heloName, Optional.empty(), Timeouts.rfc5321(), 4096, 200);
    }

    public ClientSettings withTimeouts(Timeouts newTimeouts) {
        return new ClientSettings(heloName, sourceAddress, newTimeouts, maxReplyLineLength, maxReplyLines);
    }

    public ClientSettings withSourceAddress(InetAddress address) {
        return new ClientSettings(heloName, Optional.of(address), timeouts, maxReplyLineLength, maxReplyLines);
    }
}
