package org.bastionmail.pop3;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exclusive-access locks of RFC 1939 3 ("the POP3 server then acquires an exclusive-access lock on
 * the maildrop"): one POP3 session per account at a time. Share one instance between the {@code pop3}
 * and {@code pop3s} listeners. IMAP does not take these locks; POP3 copes with it (see {@link Pop3Session}).
 */
public final class MaildropLocks {
    private final Set<String> held = ConcurrentHashMap.newKeySet();

    /** A held lock; closing it releases the maildrop. Closing twice is harmless. */
    public interface Lease extends AutoCloseable {
        @Override
        void close();
    }

    /** Takes the account's lock, or empty if another session holds it. */
    public Optional<Lease> tryLock(String account) {
        String key = account.toLowerCase(Locale.ROOT);
        if (!held.add(key)) {
            return Optional.empty();
        }
        boolean[] released = {false};
        return Optional.of(() -> {
            synchronized (released) {
                if (!released[0]) {
                    released[0] = true;
                    held.remove(key);
                }
            }
        });
    }

    /** Whether a session holds the account's lock. */
    public boolean isLocked(String account) {
        return held.contains(account.toLowerCase(Locale.ROOT));
    }
}
