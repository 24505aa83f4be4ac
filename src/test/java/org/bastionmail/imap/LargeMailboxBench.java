package org.bastionmail.imap;

import org.bastionmail.net.AuthFailures;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.bastionmail.config.Config;
import org.bastionmail.directory.SqliteDirectory;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.net.Listener;
import org.bastionmail.net.Pause;
import org.bastionmail.net.ServerCertificate;
import org.bastionmail.net.TlsUpgrade;
import org.bastionmail.store.Flag;
import org.bastionmail.store.SqliteMailboxStore;

/**
 * For {@code bench/imap-large-mailbox.sh}: fills one INBOX with many small messages through the store
 * API (unless it is full already), then serves it over IMAP (STARTTLS) on a loopback port until the process is
 * killed. Prints {@code READY port certificate} when the clients may start.
 *
 * <p>Usage: {@code LargeMailboxBench DATA_DIR MESSAGES}. One message in ten is unseen, one in a thousand
 * has "needle" in its subject.
 */
public final class LargeMailboxBench {
    static final String USER = "bench@example.test";
    static final String PASSWORD = "bench password";

    private LargeMailboxBench() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        Config config = Config.localDefault(dir);
        try (SqliteDirectory directory = SqliteDirectory.open(dir, config);
                SqliteMailboxStore store = SqliteMailboxStore.open(dir)) {
            if (directory.verifyPassword(USER, PASSWORD.getBytes(StandardCharsets.UTF_8)).isEmpty()) {
                directory.addUser(MailAddress.parse(USER), PASSWORD.toCharArray());
            }
            store.ensureAccount(USER);
            fill(store, dir, count);
            Path[] cert = ServerCertificate.selfSigned(dir.resolve("tls"), "mx.example.test");
            SSLContext tls = ServerCertificate.context(cert[0], cert[1]);
            ImapLimits limits = ImapLimits.defaults(Config.Limits.defaults());
            ImapContext context = new ImapContext("mx.example.test", directory, store,
                    Optional.of(new TlsUpgrade(tls)), false, limits, Clock.systemUTC(), Pause.real(),
                    new UserConnections(), AuthFailures.none());
            try (Listener listener = Listener.start("imap", new InetSocketAddress("127.0.0.1", 0), null,
                    s -> new ImapSession(s, context).run())) {
                System.out.println("READY " + listener.address().getPort() + " " + cert[0]);
                System.out.flush();
                Thread.sleep(Long.MAX_VALUE);
            }
        }
    }

    private static void fill(SqliteMailboxStore store, Path dir, int count) throws IOException {
        int present = store.counts(USER, "INBOX").orElseThrow().messages() > Integer.MAX_VALUE ? 0
                : (int) store.counts(USER, "INBOX").orElseThrow().messages();
        long start = System.nanoTime();
        Path source = dir.resolve("bench-message.eml");
        Instant date = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = present + 1; i <= count; i++) {
            String subject = (i % 1000 == 0 ? "needle " : "message ") + i;
            Files.writeString(source, "From: Sender " + (i % 97) + " <s" + (i % 97) + "@example.test>\r\n"
                    + "To: " + USER + "\r\nSubject: " + subject + "\r\nDate: Thu, 1 Jan 2026 00:00:00 +0000\r\n"
                    + "Message-ID: <" + i + "@bench.example.test>\r\n\r\nThis is message " + i + ".\r\n"
                    + "It is short, as most mail is.\r\n");
            Set<Flag> flags = i % 10 == 0 ? EnumSet.noneOf(Flag.class) : EnumSet.of(Flag.SEEN);
            store.append(USER, "INBOX", source, flags, Set.of(), date.plusSeconds(i), Long.MAX_VALUE);
            if (i % 5000 == 0) {
                System.err.printf("filled %d messages, %.0f/s%n", i, (i - present) / ((System.nanoTime() - start) / 1e9));
            }
        }
        Files.deleteIfExists(source);
    }
}
