package org.bastionmail.pop3;

import org.bastionmail.net.AuthFailures;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bastionmail.config.Config;
import org.bastionmail.directory.SqliteDirectory;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.net.Listener;
import org.bastionmail.net.Pause;
import org.bastionmail.net.ServerCertificate;
import org.bastionmail.net.TlsUpgrade;
import org.bastionmail.store.DeliveryOutcome;
import org.bastionmail.store.Mailbox;
import org.bastionmail.store.SqliteMailboxStore;
import org.bastionmail.store.StoredMessage;

/**
 * A real POP3 server for tests: SQLite store and directory in a temporary directory, a self-signed
 * certificate, a {@code pop3} listener with STLS and a {@code pop3s} one with implicit TLS, on loopback port 0.
 */
final class Pop3Server implements AutoCloseable {
    static final String ALICE = "alice@example.test";
    static final String BOB = "bob@example.test";
    static final String PASSWORD = "correct horse";
    static final String HOST = "pop.example.test";

    final Path dir;
    final SqliteMailboxStore store;
    final SqliteDirectory directory;
    final Path certificate;
    final SSLContext clientTls;
    final List<Duration> pauses = new CopyOnWriteArrayList<>();
    final MaildropLocks locks = new MaildropLocks();
    private final Listener plain;
    private final Listener implicit;
    private final AtomicInteger deliveries = new AtomicInteger();

    Pop3Server(Path dir) throws Exception {
        this(dir, Pop3Context.Limits.defaults());
    }

    Pop3Server(Path dir, Pop3Context.Limits limits) throws Exception {
        this.dir = dir;
        store = SqliteMailboxStore.open(dir.resolve("data"));
        directory = SqliteDirectory.open(dir.resolve("data"), Config.localDefault(dir.resolve("data")));
        directory.addUser(MailAddress.parse(ALICE), PASSWORD.toCharArray());
        directory.addUser(MailAddress.parse(BOB), PASSWORD.toCharArray());
        store.ensureAccount(ALICE);
        store.ensureAccount(BOB);
        Path[] files = ServerCertificate.selfSigned(dir.resolve("tls"), HOST);
        certificate = files[0];
        SSLContext serverTls = ServerCertificate.context(files[0], files[1]);
        clientTls = trusting(files[0]);
        Pause recording = pauses::add;
        Pop3Context plainContext = new Pop3Context(HOST, directory, store, Optional.of(new TlsUpgrade(serverTls)), false,
                limits, Clock.systemUTC(), recording, locks, AuthFailures.none());
        Pop3Context implicitContext = new Pop3Context(HOST, directory, store, Optional.empty(), true,
                limits, Clock.systemUTC(), recording, locks, AuthFailures.none());
        InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 0);
        plain = Listener.start("pop3", loopback, null, socket -> new Pop3Session(socket, plainContext).run());
        implicit = Listener.start("pop3s", loopback, serverTls, socket -> new Pop3Session(socket, implicitContext).run());
    }

    int port() {
        return plain.address().getPort();
    }

    int implicitPort() {
        return implicit.address().getPort();
    }

    /** Delivers a message (CRLF line ends expected in {@code content}) to an INBOX; returns its UID. */
    long deliver(String account, String content) throws IOException {
        Path file = Files.createTempFile(dir, "msg", ".eml");
        Files.writeString(file, content, StandardCharsets.UTF_8);
        DeliveryOutcome outcome = store.deliver(account, Mailbox.INBOX, "key" + deliveries.incrementAndGet(), file,
                Instant.now(), Long.MAX_VALUE);
        Files.delete(file);
        return ((DeliveryOutcome.Stored) outcome).uid();
    }

    List<Long> inboxUids(String account) throws IOException {
        return store.messages(account, Mailbox.INBOX).stream().map(StoredMessage::uid).toList();
    }

    long uidValidity(String account) throws IOException {
        return store.mailbox(account, Mailbox.INBOX).orElseThrow().uidValidity();
    }

    String content(String account, long uid) throws IOException {
        try (InputStream in = store.openContent(account, Mailbox.INBOX, uid).orElseThrow()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static SSLContext trusting(Path certificate) throws Exception {
        X509Certificate cert;
        try (InputStream in = Files.newInputStream(certificate)) {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    @Override
    public void close() throws IOException {
        plain.close();
        implicit.close();
        store.close();
        directory.close();
    }
}
