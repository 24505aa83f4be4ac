package org.bastionmail.mailauth;

import java.util.List;
import java.util.Objects;

/** What to do with an inbound message at the end of DATA, after the authentication checks. */
public sealed interface Decision {
    /**
     * Deliver it.
     *
     * @param junk deliver to the recipient's Junk mailbox instead of the inbox
     * @param tags short labels of what failed (e.g. {@code spf=fail}), for a header field or filters
     */
    record Accept(boolean junk, List<String> tags) implements Decision {
        public Accept {
            tags = List.copyOf(tags);
        }
    }

    /** Refuse it permanently: {@code code enhanced text}, e.g. {@code 550 5.7.1 ...}. */
    record Reject(String code, String enhanced, String text) implements Decision {
        public Reject {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(enhanced, "enhanced");
            Objects.requireNonNull(text, "text");
        }
    }

    /** Refuse it for now, as a DNS failure hid a result that could have rejected it: {@code 451 4.7.x ...}. */
    record TempFail(String code, String enhanced, String text) implements Decision {
        public TempFail {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(enhanced, "enhanced");
            Objects.requireNonNull(text, "text");
        }
    }
}
