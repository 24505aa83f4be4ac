package org.bastionmail.store;

import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;

/** Flags and keywords of a message as one space-separated column, e.g. {@code \Seen $Forwarded}. */
final class FlagCodec {
    static final int MAX_KEYWORD_LENGTH = 100;
    static final int MAX_KEYWORDS = 64;

    private FlagCodec() {}

    static String encode(Set<Flag> flags, Set<String> keywords) {
        if (keywords.size() > MAX_KEYWORDS) {
            throw new IllegalArgumentException("more than " + MAX_KEYWORDS + " keywords");
        }
        StringBuilder out = new StringBuilder();
        for (Flag flag : Flag.values()) {
            if (flags.contains(flag)) {
                out.append(out.isEmpty() ? "" : " ").append(flag.atom());
            }
        }
        for (String keyword : new TreeSet<>(keywords)) {
            checkKeyword(keyword);
            out.append(out.isEmpty() ? "" : " ").append(keyword);
        }
        return out.toString();
    }

    static Set<Flag> flags(String encoded) {
        Set<Flag> flags = EnumSet.noneOf(Flag.class);
        for (String token : tokens(encoded)) {
            if (token.startsWith("\\")) {
                Flag.fromAtom(token).ifPresent(flags::add);
            }
        }
        return flags;
    }

    static Set<String> keywords(String encoded) {
        Set<String> keywords = new LinkedHashSet<>();
        for (String token : tokens(encoded)) {
            if (!token.startsWith("\\")) {
                keywords.add(token);
            }
        }
        return keywords;
    }

    private static String[] tokens(String encoded) {
        return encoded.isEmpty() ? new String[0] : encoded.split(" ");
    }

    /** RFC 9051 9 flag-keyword = atom: no specials, controls, spaces or backslash (system flags only). */
    static void checkKeyword(String keyword) {
        if (keyword.isEmpty() || keyword.length() > MAX_KEYWORD_LENGTH) {
            throw new IllegalArgumentException("a keyword must be 1 to " + MAX_KEYWORD_LENGTH + " characters");
        }
        for (int i = 0; i < keyword.length(); i++) {
            char c = keyword.charAt(i);
            if (c <= 0x20 || c >= 0x7f || "(){%*\"\\]".indexOf(c) >= 0) {
                throw new IllegalArgumentException("a keyword must be an IMAP atom: " + keyword);
            }
        }
    }
}
