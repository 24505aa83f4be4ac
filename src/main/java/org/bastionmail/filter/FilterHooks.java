package org.bastionmail.filter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bastionmail.smtp.HookVerdict;
import org.bastionmail.smtp.MessageHooks;
import org.bastionmail.smtp.ReceivedMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The content filter pipeline at the end of DATA, before the reply (issue 8): after the wrapped hooks
 * (sender authentication, antivirus) accepted a message, each filter in turn (milters, then rspamd) sees it
 * as the filters before left it. The first refusal or discard ends the pipeline; tags and header changes
 * add up; any filter may send the message to Junk.
 *
 * <p>A filter that cannot answer follows its own rule: fail-closed refuses with 451 4.7.1, fail-open lets the
 * message through with an {@code X-Bastion-Filter: NAME unavailable} field.
 */
public final class FilterHooks implements MessageHooks {
    /** The fields Bastion's filters write: a sender's own copies would pass for ours, so they are removed. */
    static final List<String> OWN_FIELDS = List.of("X-Spam", "X-Spam-Status", "X-Spam-Score", "X-Spam-Flag",
            "X-Bastion-Filter");
    static final String UNAVAILABLE_FIELD = "X-Bastion-Filter";
    // The header section is bounded by [limits] header_size when it is received; this only guards the reading.
    private static final int MAX_HEADER = 4 << 20;
    private static final Logger LOG = LoggerFactory.getLogger(FilterHooks.class);

    /**
     * One filter of the pipeline.
     *
     * @param name for logs and the fail-open field, e.g. {@code milter inet:127.0.0.1:11332} or {@code rspamd}
     * @param failOpen when the filter cannot answer, accept (marked) instead of answering 451 4.7.1
     */
    public record Step(String name, Filter filter, boolean failOpen) {
        /**
         * The kind of filter, a fixed word for the transaction log and the metrics' labels ("milter", "rspamd"),
         * where the name may carry an address.
         */
        String kind() {
            int space = name.indexOf(' ');
            return space < 0 ? name : name.substring(0, space);
        }

        public Step {
            if (name.isBlank() || !name.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
                throw new IllegalArgumentException("a filter name is printable ASCII: " + name);
            }
        }
    }

    private final MessageHooks wrapped;
    private final List<Step> steps;
    private final String hostname;

    public FilterHooks(MessageHooks wrapped, List<Step> steps, String hostname) {
        this.wrapped = wrapped;
        this.steps = List.copyOf(steps);
        this.hostname = hostname;
    }

    @Override
    public byte[] filterHeader(Optional<String> account, byte[] headerFields) {
        byte[] kept = wrapped.filterHeader(account, headerFields);
        for (String name : OWN_FIELDS) {
            kept = OwnFields.remove(kept, name);
        }
        return kept;
    }

    @Override
    public HookVerdict afterData(ReceivedMessage message) throws IOException {
        HookVerdict inner = wrapped.afterData(message);
        if (!(inner instanceof HookVerdict.Accept accepted)) {
            return inner;
        }
        StoredHeader stored = StoredHeader.read(message.content());
        ReceivedMessage.Content body = () -> {
            InputStream in = message.content().open();
            in.skipNBytes(stored.bodyOffset());
            return in;
        };
        String prepended = latin1(accepted.prependedHeaders().getBytes(StandardCharsets.UTF_8));
        String header = prepended + accepted.header().map(FilterHooks::latin1).orElse(stored.header());
        boolean changed = false;
        boolean junk = accepted.junk();
        StringBuilder fields = new StringBuilder();
        List<String> verdicts = new ArrayList<>();
        for (Step step : steps) {
            Outcome outcome = run(step, new FilterMessage(message, hostname, header, body));
            if (outcome instanceof Outcome.Unavailable unavailable) {
                LOG.warn("content filter {} unavailable ({}), message {} from {} {}", step.name(),
                        unavailable.reason(), message.queueId().orElse("-"), message.client().getHostAddress(),
                        step.failOpen() ? "accepted (fail-open)" : "deferred (fail-closed)");
                if (!step.failOpen()) {
                    message.trace().refuse(step.kind(), "unavailable", step.name() + ": " + unavailable.reason());
                    // RFC 3463 4.7.1: delivery not authorized (yet), transient
                    return new HookVerdict.Refuse(451, "4.7.1", "Content filter unavailable, try again later");
                }
                fields.append(UNAVAILABLE_FIELD).append(": ").append(step.name()).append(" unavailable\r\n");
                verdicts.add(step.name() + "=unavailable");
                message.trace().check(step.kind(), "unavailable", step.name() + ": " + unavailable.reason());
                continue;
            }
            switch (((Outcome.Answered) outcome).verdict()) {
                case FilterVerdict.Accept accept -> {
                    if (!accept.edits().isEmpty()) {
                        header = EditableHeader.apply(header, accept.edits());
                        changed = true;
                    }
                    accept.fields().forEach(field -> fields.append(field).append("\r\n"));
                    junk |= accept.junk();
                    String result = accept.junk() ? "junk"
                            : accept.fields().isEmpty() && accept.edits().isEmpty() ? "accept" : "tag";
                    verdicts.add(step.name() + "=" + result);
                    message.trace().check(step.kind(), result, step.name());
                }
                case FilterVerdict.Refuse refuse -> {
                    LOG.info("message {} from {} refused by {}: {} {} {}", message.queueId().orElse("-"),
                            message.client().getHostAddress(), step.name(), refuse.code(), refuse.enhancedCode(),
                            refuse.text());
                    message.trace().refuse(step.kind(), refuse.code() + " " + refuse.enhancedCode(), refuse.text());
                    return new HookVerdict.Refuse(refuse.code(), refuse.enhancedCode(), refuse.text());
                }
                case FilterVerdict.Discard discard -> {
                    message.trace().check(step.kind(), "discard", discard.reason());
                    return new HookVerdict.Discard(step.name() + ": " + discard.reason());
                }
            }
        }
        LOG.info("message {} filters: {}", message.queueId().orElse("-"), String.join(" ", verdicts));
        String added = new String(fields.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        if (!changed) {
            return new HookVerdict.Accept(accepted.prependedHeaders() + added, junk);
        }
        // The earlier hooks' fields are now part of the edited section, which replaces the stored one.
        return new HookVerdict.Accept(added, junk, Optional.of(header.getBytes(StandardCharsets.ISO_8859_1)));
    }

    /** A filter's verdict, or the lack of one: every way of not answering ends up as {@link Outcome.Unavailable}. */
    private sealed interface Outcome {
        record Answered(FilterVerdict verdict) implements Outcome {}

        record Unavailable(String reason) implements Outcome {}
    }

    private static Outcome run(Step step, FilterMessage message) {
        try {
            return new Outcome.Answered(step.filter().check(message));
        } catch (IOException e) {
            return new Outcome.Unavailable(ClamdReply.printable(String.valueOf(e.getMessage())));
        } catch (RuntimeException e) {
            LOG.error("content filter {} failed", step.name(), e);
            return new Outcome.Unavailable("internal error");
        }
    }

    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** The stored message's header section and where its body starts. */
    record StoredHeader(String header, long bodyOffset) {
        static StoredHeader read(ReceivedMessage.Content content) throws IOException {
            try (InputStream in = new java.io.BufferedInputStream(content.open())) {
                ByteArrayOutputStream header = new ByteArrayOutputStream();
                int last4 = 0; // the last four octets read, the newest lowest
                int d;
                while ((d = in.read()) >= 0) {
                    header.write(d);
                    last4 = (last4 << 8) | d;
                    int n = header.size();
                    // The empty line: CRLF at the very start or right after another CRLF.
                    if ((n == 2 && (last4 & 0xffff) == 0x0d0a) || (n >= 4 && last4 == 0x0d0a0d0a)) {
                        byte[] all = header.toByteArray();
                        return new StoredHeader(latin1(java.util.Arrays.copyOf(all, n - 2)), n);
                    }
                    if (n > MAX_HEADER) {
                        throw new IOException("header section over " + MAX_HEADER + " bytes");
                    }
                }
                // No empty line: all header, no body.
                return new StoredHeader(latin1(header.toByteArray()), header.size());
            }
        }
    }
}
