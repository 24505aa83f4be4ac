package org.bastionmail.audit;

import java.util.Locale;

/** How much a finding matters, from a note to an immediately exploitable weakness. */
public enum Severity {
    INFO, LOW, MEDIUM, HIGH, CRITICAL;

    public boolean atLeast(Severity other) {
        return compareTo(other) >= 0;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code info}, {@code low}, ... {@code critical}, or {@code none} (nothing fails). */
    public static java.util.Optional<Severity> parseThreshold(String text) {
        String t = text.strip().toUpperCase(Locale.ROOT);
        if (t.equals("NONE")) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(valueOf(t));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--fail-on: '" + text + "' is not one of none, info, low, medium, high, critical");
        }
    }
}
