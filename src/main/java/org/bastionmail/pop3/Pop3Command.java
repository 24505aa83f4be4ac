package org.bastionmail.pop3;

import java.util.List;
import java.util.Locale;

/**
 * A command line split up (RFC 1939 3): a case-insensitive keyword, then arguments separated by single
 * spaces. {@code rest} is everything after the keyword and its space, for PASS, whose password may hold spaces.
 */
record Pop3Command(String keyword, List<String> args, String rest) {
    Pop3Command {
        args = List.copyOf(args);
    }

    static Pop3Command parse(String line) {
        int space = line.indexOf(' ');
        String keyword = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
        String rest = space < 0 ? "" : line.substring(space + 1);
        List<String> args = rest.isEmpty() ? List.of() : List.of(rest.split(" ", -1));
        return new Pop3Command(keyword, args, rest);
    }

    /** Whether the arguments are {@code min} to {@code max} non-empty words. */
    boolean hasArgs(int min, int max) {
        return args.size() >= min && args.size() <= max && args.stream().noneMatch(String::isEmpty);
    }
}
