package org.bastionmail.reports;

import java.time.LocalDate;

/**
 * How long a day's reports are owed: targets that failed for a temporary reason are tried again on
 * later runs for {@code retryDays}, and a day older than {@code maxAgeDays} (a server that was down for
 * a week) is dropped unsent, since a stale report is of little use to anyone.
 */
record Window(int retryDays, int maxAgeDays) {
    static final Window DEFAULT = new Window(3, 7);

    Window {
        if (retryDays < 1 || maxAgeDays < retryDays) {
            throw new IllegalArgumentException("need 1 <= retryDays <= maxAgeDays");
        }
    }

    boolean givesUp(LocalDate day, LocalDate today) {
        return day.isBefore(today.minusDays(retryDays));
    }

    boolean tooOld(LocalDate day, LocalDate today) {
        return day.isBefore(oldest(today));
    }

    LocalDate oldest(LocalDate today) {
        return today.minusDays(maxAgeDays);
    }
}
