package org.bastionmail.mailauth;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import org.bastionmail.smtp.HookVerdict;
import org.bastionmail.smtp.MessageHooks;
import org.bastionmail.smtp.ReceivedMessage;

/**
 * Sender authentication around each SMTP message: mail from other servers is verified
 * ({@link InboundChecks}), mail from our own authenticated users is DKIM-signed ({@link SubmissionSigning}).
 * Authentication-Results fields that claim to come from us are removed from every message first
 * (RFC 8601 5), whoever sent it.
 */
public final class MailAuthHooks implements MessageHooks {
    private final String authservId;
    private final InboundChecks inbound;
    private final SubmissionSigning signing;

    public MailAuthHooks(String authservId, InboundChecks inbound, SubmissionSigning signing) {
        this.authservId = authservId;
        this.inbound = inbound;
        this.signing = signing;
    }

    @Override
    public byte[] filterHeader(Optional<String> account, byte[] headerFields) {
        return ForeignAuthenticationResults.strip(headerFields, authservId);
    }

    @Override
    public HookVerdict afterData(ReceivedMessage message) throws IOException {
        byte[] content;
        try (InputStream in = message.content().open()) {
            content = in.readAllBytes();
        }
        if (message.account().isPresent()) {
            String signature = signing.sign(content);
            message.trace().check("dkim-sign", signature.isEmpty() ? "none" : "signed");
            return new HookVerdict.Accept(signature, false);
        }
        InboundChecks.Outcome outcome = inbound.check(message.client(), message.helo(), message.sender(), content);
        VerdictTrace.record(message.trace(), outcome);
        return switch (outcome.decision()) {
            case Decision.Accept accept -> new HookVerdict.Accept(outcome.headerFields(), accept.junk());
            case Decision.Reject reject -> new HookVerdict.Refuse(Integer.parseInt(reject.code()), reject.enhanced(), reject.text());
            case Decision.TempFail fail -> new HookVerdict.Refuse(Integer.parseInt(fail.code()), fail.enhanced(), fail.text());
        };
    }
}
