package org.bastionmail.spf;

/** RFC 7208 4.6.2: the result a matching mechanism gives. */
enum Qualifier {
    PASS('+', SpfVerdict.PASS), FAIL('-', SpfVerdict.FAIL), SOFTFAIL('~', SpfVerdict.SOFTFAIL),
    NEUTRAL('?', SpfVerdict.NEUTRAL);

    private final char symbol;
    private final SpfVerdict verdict;

    Qualifier(char symbol, SpfVerdict verdict) {
        this.symbol = symbol;
        this.verdict = verdict;
    }

    SpfVerdict verdict() {
        return verdict;
    }

    static Qualifier of(char c) {
        for (Qualifier q : values()) {
            if (q.symbol == c) {
                return q;
            }
        }
        return null;
    }
}
