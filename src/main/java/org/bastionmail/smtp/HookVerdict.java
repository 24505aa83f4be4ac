package org.bastionmail.smtp;

/** What {@link MessageHooks#afterData} decided. */
public sealed interface HookVerdict {
    /**
     * Queue the message with {@code prependedHeaders} (CRLF-terminated fields, possibly empty) in front of
     * it, for the Junk mailbox if {@code junk}.
     */
    record Accept(String prependedHeaders, boolean junk) implements HookVerdict {
        public static final Accept UNCHANGED = new Accept("", false);

        public Accept {
            if (!prependedHeaders.isEmpty() && !prependedHeaders.endsWith("\r\n")) {
                throw new IllegalArgumentException("added header fields must end in CRLF");
            }
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
}
