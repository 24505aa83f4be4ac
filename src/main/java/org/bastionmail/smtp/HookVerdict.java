package org.bastionmail.smtp;

import java.util.Arrays;
import java.util.Optional;

/** What {@link MessageHooks#afterData} decided. */
public sealed interface HookVerdict {
    /**
     * Queue the message with {@code prependedHeaders} (CRLF-terminated fields, possibly empty) in front of
     * it, for the Junk mailbox if {@code junk}.
     *
     * @param header when present, the header section to store in place of the received one (CRLF-terminated
     *     fields, without the empty line that ends it): a content filter (milter) changed or removed fields
     */
    record Accept(String prependedHeaders, boolean junk, Optional<byte[]> header) implements HookVerdict {
        public static final Accept UNCHANGED = new Accept("", false);

        public Accept {
            if (!prependedHeaders.isEmpty() && !prependedHeaders.endsWith("\r\n")) {
                throw new IllegalArgumentException("added header fields must end in CRLF");
            }
            header = header.map(byte[]::clone);
            if (header.isPresent() && header.get().length > 0 && !endsInCrlf(header.get())) {
                throw new IllegalArgumentException("a replaced header section must end in CRLF");
            }
        }

        /** The received header section is kept. */
        public Accept(String prependedHeaders, boolean junk) {
            this(prependedHeaders, junk, Optional.empty());
        }

        @Override
        public Optional<byte[]> header() {
            return header.map(byte[]::clone);
        }

        private static boolean endsInCrlf(byte[] bytes) {
            return bytes.length >= 2 && bytes[bytes.length - 2] == '\r' && bytes[bytes.length - 1] == '\n';
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Accept that && prependedHeaders.equals(that.prependedHeaders) && junk == that.junk
                    && header.isPresent() == that.header.isPresent()
                    && (header.isEmpty() || Arrays.equals(header.get(), that.header.get()));
        }

        @Override
        public int hashCode() {
            return prependedHeaders.hashCode() * 31 + Boolean.hashCode(junk) + header.map(Arrays::hashCode).orElse(0);
        }

        @Override
        public String toString() {
            return "Accept[prependedHeaders=" + prependedHeaders + ", junk=" + junk
                    + header.map(h -> ", header=" + h.length + " bytes").orElse("") + "]";
        }
    }

    /** Refuse the message with this reply: 5xx for a permanent refusal, 4xx for "try again later". */
    record Refuse(int code, String enhancedCode, String text) implements HookVerdict {
        public Refuse {
            if (code < 400 || code > 599) {
                throw new IllegalArgumentException("a refusal is a 4xx or 5xx reply: " + code);
            }
        }
    }

    /**
     * Accept the message towards the client (250) but drop it: what Postfix does when a milter answers
     * SMFIR_DISCARD. Nothing is queued; the reason is logged.
     */
    record Discard(String reason) implements HookVerdict {}
}
