package org.bastionmail.spf;

/**
 * Ends a check early with permerror or temperror (RFC 7208 2.6.6, 2.6.7), from however deep in the evaluation
 * of includes and redirects the error was found.
 */
final class SpfAbort extends Exception {
    private final SpfVerdict verdict;

    SpfAbort(SpfVerdict verdict, String reason) {
        super(reason, null, false, false);
        this.verdict = verdict;
    }

    SpfVerdict verdict() {
        return verdict;
    }
}
