package org.bastionmail.smtp;

import java.io.IOException;
import java.util.Optional;

/**
 * What the server does with a message beyond SMTP itself (sender authentication, signing, filters), in
 * the two places SMTP offers: when the header section is complete, and when the whole message is in,
 * before the reply that accepts or refuses it.
 */
public interface MessageHooks {
    /**
     * The header fields to store in place of those received, e.g. without Authentication-Results fields
     * that forge this server's verdicts (RFC 8601 5).
     *
     * @param account the authenticated account, empty for mail from other servers
     */
    byte[] filterHeader(Optional<String> account, byte[] headerFields);

    /** Decides about a complete message that SMTP's own checks accepted. */
    HookVerdict afterData(ReceivedMessage message) throws IOException;

    /** No checks: everything SMTP accepts is queued unchanged. */
    static MessageHooks none() {
        return new MessageHooks() {
            @Override
            public byte[] filterHeader(Optional<String> account, byte[] headerFields) {
                return headerFields;
            }

            @Override
            public HookVerdict afterData(ReceivedMessage message) {
                return HookVerdict.Accept.UNCHANGED;
            }
        };
    }
}
