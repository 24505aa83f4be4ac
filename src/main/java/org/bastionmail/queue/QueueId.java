package org.bastionmail.queue;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * Queue ids: 10 characters of milliseconds since the epoch and 6 random ones, in lower-case
 * Crockford base32, so they sort by time as strings, are safe as file names on any file system and
 * are short enough to quote in a 250 reply.
 */
final class QueueId {
    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final Pattern VALID = Pattern.compile("[0-9a-hjkmnp-tv-z]{16}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private QueueId() {}

    static String next(Instant now) {
        char[] id = new char[16];
        long millis = now.toEpochMilli();
        for (int i = 9; i >= 0; i--) {
            id[i] = ALPHABET[(int) (millis & 31)];
            millis >>>= 5;
        }
        int random = RANDOM.nextInt(1 << 30);
        for (int i = 15; i >= 10; i--) {
            id[i] = ALPHABET[random & 31];
            random >>>= 5;
        }
        return new String(id);
    }

    /** Whether {@code id} could be a queue id; anything else must never reach a file name. */
    static boolean isValid(String id) {
        return VALID.matcher(id).matches();
    }
}
