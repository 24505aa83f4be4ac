package org.bastionmail.filter;

import java.io.IOException;
import java.util.Optional;
import org.bastionmail.smtp.HookVerdict;
import org.bastionmail.smtp.MessageHooks;
import org.bastionmail.smtp.ReceivedMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds a clamd scan after the wrapped hooks (sender authentication) have accepted a message: a virus is
 * refused with 554 5.7.1; a scan without verdict is refused with 451 4.3.0 (fail-closed) or, if configured
 * fail-open, accepted with an {@code X-Bastion-Virus-Scan: failed} field. A failed scan is never clean.
 */
public final class AntivirusHooks implements MessageHooks {
    static final String HEADER = "X-Bastion-Virus-Scan";
    /** The name of this check in the transaction log and in bastion_check_rejections_total. */
    static final String CHECK = "antivirus";
    private static final Logger LOG = LoggerFactory.getLogger(AntivirusHooks.class);

    private final MessageHooks wrapped;
    private final ClamdClient clamd;
    private final boolean failOpen;

    public AntivirusHooks(MessageHooks wrapped, ClamdClient clamd, boolean failOpen) {
        this.wrapped = wrapped;
        this.clamd = clamd;
        this.failOpen = failOpen;
    }

    public AntivirusHooks(MessageHooks wrapped, AntivirusSettings settings) {
        this(wrapped, new ClamdClient(settings), settings.failOpen());
    }

    @Override
    public byte[] filterHeader(Optional<String> account, byte[] headerFields) {
        // A sender's own X-Bastion-Virus-Scan field would pass for ours: only ours may stand.
        return OwnFields.remove(wrapped.filterHeader(account, headerFields), HEADER);
    }

    @Override
    public HookVerdict afterData(ReceivedMessage message) throws IOException {
        HookVerdict verdict = wrapped.afterData(message);
        if (!(verdict instanceof HookVerdict.Accept accepted)) {
            return verdict; // already refused: no need to scan
        }
        return switch (clamd.scan(message.content())) {
            case ScanResult.Clean clean -> {
                message.trace().check(CHECK, "clean");
                yield addField(accepted, "clean");
            }
            // RFC 3463 5.7.1: delivery not authorized, message refused
            case ScanResult.Infected infected -> {
                message.trace().refuse(CHECK, "infected", infected.name());
                yield new HookVerdict.Refuse(554, "5.7.1", "Message contains a virus (" + infected.name() + ")");
            }
            case ScanResult.Failed failed -> {
                LOG.warn("virus scan failed ({}), message from {} {}", failed.reason(), message.client().getHostAddress(),
                        failOpen ? "accepted (fail-open)" : "deferred (fail-closed)");
                if (failOpen) {
                    message.trace().check(CHECK, "failed", failed.reason());
                } else {
                    message.trace().refuse(CHECK, "failed", failed.reason());
                }
                yield failOpen
                        ? addField(accepted, "failed (" + ClamdReply.printable(failed.reason()) + ")")
                        // RFC 3463 4.3.0: other or undefined mail system status, transient
                        : new HookVerdict.Refuse(451, "4.3.0", "Virus scanner unavailable, try again later");
            }
        };
    }

    private static HookVerdict.Accept addField(HookVerdict.Accept accepted, String value) {
        return new HookVerdict.Accept(accepted.prependedHeaders() + HEADER + ": " + value + "\r\n", accepted.junk());
    }
}
