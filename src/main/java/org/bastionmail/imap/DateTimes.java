package org.bastionmail.imap;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** RFC 9051 9 date and date-time, e.g. {@code 7-Feb-2025} and {@code "07-Feb-2025 21:52:25 +0000"}. */
final class DateTimes {
    private static final DateTimeFormatter DATE_TIME = new DateTimeFormatterBuilder().parseCaseInsensitive()
            .appendPattern("[ ]d-MMM-yyyy HH:mm:ss Z").toFormatter(Locale.ROOT);
    private static final DateTimeFormatter OUT = DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm:ss Z", Locale.ROOT);
    private static final DateTimeFormatter DATE = new DateTimeFormatterBuilder().parseCaseInsensitive()
            .appendPattern("d-MMM-yyyy").toFormatter(Locale.ROOT);

    private DateTimes() {}

    static Instant parseDateTime(String text) throws ImapArgs.Syntax {
        try {
            return ZonedDateTime.parse(text, DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new ImapArgs.Syntax("Invalid date-time");
        }
    }

    static String formatDateTime(Instant instant) {
        return OUT.format(instant.atZone(ZoneOffset.UTC));
    }

    static LocalDate parseDate(String text) throws ImapArgs.Syntax {
        try {
            return LocalDate.parse(text, DATE);
        } catch (DateTimeParseException e) {
            throw new ImapArgs.Syntax("Invalid date");
        }
    }
}
