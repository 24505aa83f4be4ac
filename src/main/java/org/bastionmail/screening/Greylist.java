package org.bastionmail.screening;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import org.bastionmail.config.Config;
import org.bastionmail.mail.MailAddress;

/**
 * Greylisting: the first attempt of an unknown (client network, sender, recipient) triplet is deferred; a
 * real MTA retries (RFC 5321 4.5.4.1), most spam robots do not. A retry after {@code delay} and within
 * {@code retryWindow} of the first attempt passes, and the triplet then passes at once until it has not been
 * seen for {@code expiry}. The client network is the IPv4 /24 or IPv6 /64, since big senders retry from
 * another address of the same pool.
 */
public final class Greylist implements AutoCloseable {
    /** How often expired triplets are cleaned out. */
    private static final Duration CLEAN_EVERY = Duration.ofHours(1);
    /** A passed triplet's last-seen time is rewritten at most this often, not at every message. */
    private static final Duration TOUCH_EVERY = Duration.ofHours(1);

    /** What a greylisting check decided. */
    public sealed interface Decision {
        record Pass() implements Decision {}

        /** Deferred: try again in {@code retryIn}. */
        record Defer(Duration retryIn) implements Decision {}
    }

    private final GreylistStore store;
    private final Config.Screening.Greylisting settings;
    private final Clock clock;
    private final Object cleaning = new Object();
    private Instant nextClean = Instant.MIN;
    private int size;

    private Greylist(GreylistStore store, Config.Screening.Greylisting settings, Clock clock) {
        this.store = store;
        this.settings = settings;
        this.clock = clock;
    }

    /** Opens the greylist of {@code dataDir} ({@code greylist.db}) and cleans it. */
    public static Greylist open(Path dataDir, Config.Screening.Greylisting settings, Clock clock) throws IOException {
        Greylist greylist = new Greylist(GreylistStore.open(dataDir), settings, clock);
        greylist.cleanIfDue(true);
        return greylist;
    }

    /** Checks one triplet and records the attempt. */
    public Decision check(InetAddress client, Optional<MailAddress> sender, MailAddress recipient) throws IOException {
        byte[] key = key(client, sender, recipient);
        Instant now = clock.instant();
        Optional<GreylistStore.Entry> found = store.find(key);
        if (found.isPresent()) {
            GreylistStore.Entry entry = found.get();
            if (entry.passedAt().isPresent() && !now.isAfter(entry.lastSeen().plus(settings.expiry()))) {
                if (now.isAfter(entry.lastSeen().plus(TOUCH_EVERY))) {
                    store.put(key, new GreylistStore.Entry(entry.firstSeen(), entry.passedAt(), now));
                }
                return new Decision.Pass();
            }
            if (entry.passedAt().isEmpty() && !now.isAfter(entry.firstSeen().plus(settings.retryWindow()))) {
                Instant allowed = entry.firstSeen().plus(settings.delay());
                if (now.isBefore(allowed)) {
                    return new Decision.Defer(Duration.between(now, allowed));
                }
                store.put(key, new GreylistStore.Entry(entry.firstSeen(), Optional.of(now), now));
                return new Decision.Pass();
            }
        }
        // unknown, or its window or whitelisting expired: start afresh
        store.put(key, new GreylistStore.Entry(now, Optional.empty(), now));
        if (found.isEmpty()) {
            grew();
        }
        return new Decision.Defer(settings.delay());
    }

    /** Triplets stored, for tests and metrics. */
    public int size() throws IOException {
        return store.size();
    }

    private void grew() throws IOException {
        boolean full;
        synchronized (cleaning) {
            full = ++size > settings.maxEntries();
        }
        cleanIfDue(full);
    }

    private void cleanIfDue(boolean force) throws IOException {
        Instant now = clock.instant();
        synchronized (cleaning) {
            if (!force && now.isBefore(nextClean)) {
                return;
            }
            nextClean = now.plus(CLEAN_EVERY);
            // when full, down to 90% at once, so that a flood of new triplets does not clean at every one
            int target = size > settings.maxEntries() ? Math.max(1, settings.maxEntries() / 10 * 9) : settings.maxEntries();
            size = store.clean(now.minus(settings.retryWindow()), now.minus(settings.expiry()), target);
        }
    }

    /** SHA-256 of the network, sender and recipient, lower-cased; the null sender is the empty string. */
    static byte[] key(InetAddress client, Optional<MailAddress> sender, MailAddress recipient) {
        String text = network(client) + "\n" + sender.map(MailAddress::toString).orElse("").toLowerCase(Locale.ROOT)
                + "\n" + recipient.toString().toLowerCase(Locale.ROOT);
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The IPv4 /24 or IPv6 /64 of {@code client}, as text. */
    static String network(InetAddress client) {
        byte[] bytes = client.getAddress();
        int keep = client instanceof Inet4Address ? 3 : 8;
        return Arrays.toString(Arrays.copyOf(bytes, keep)) + "/" + keep * 8;
    }

    @Override
    public void close() throws IOException {
        store.close();
    }
}
