package org.bastionmail.store;

import java.util.Objects;
import java.util.Set;

/**
 * One STORE operation on flags (RFC 9051 6.4.6): replace them, or add or remove some.
 *
 * @param mode what to do with the given flags and keywords
 */
public record FlagChange(Mode mode, Set<Flag> flags, Set<String> keywords) {
    public enum Mode { REPLACE, ADD, REMOVE }

    public FlagChange {
        Objects.requireNonNull(mode, "mode");
        flags = Set.copyOf(flags);
        keywords = Set.copyOf(keywords);
        for (String keyword : keywords) {
            FlagCodec.checkKeyword(keyword);
        }
    }
}
