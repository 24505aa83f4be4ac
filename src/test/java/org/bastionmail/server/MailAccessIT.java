package org.bastionmail.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bastionmail.store.Flag;
import org.bastionmail.store.FlagChange;
import org.bastionmail.store.MailboxStore;
import org.bastionmail.store.StoredMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading mail that arrived by SMTP with real IMAP clients, as separate processes, against the whole
 * server over TLS: mbsync (isync) syncing an account both ways, curl, and Python's imaplib with IDLE.
 * Without a client these tests are skipped; in CI (CI=true) a missing client is a failure.
 */
class MailAccessIT {
    private static final String PASSWORD = "access pass phrase";

    @TempDir
    static Path dataDir;
    static RunningServer server;

    @TempDir
    Path work;

    @BeforeAll
    static void start() throws Exception {
        server = RunningServer.start(dataDir);
        for (String user : List.of("mbsync", "mbsyncs", "curl", "idle")) {
            server.addUser(user + "@example.test", PASSWORD);
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    record Result(int exitCode, String output) {}

    private static Result run(List<String> command) throws Exception {
        ExternalClientsIT.requireTool(command.getFirst());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = RunningServer.read(process.getInputStream());
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Result(process.exitValue(), output);
    }

    /** Delivers a message to {@code to} through the MX, as the internet would, and waits for the store. */
    private static void deliverBySmtp(String to, String subject) throws Exception {
        try (RawSmtpClient smtp = new RawSmtpClient(server.port("smtp"))) {
            assertThat(smtp.reply()).startsWith("220");
            assertThat(smtp.command("EHLO client.example.test")).startsWith("250");
            assertThat(smtp.command("MAIL FROM:<someone@elsewhere.test>")).startsWith("250");
            assertThat(smtp.command("RCPT TO:<" + to + ">")).startsWith("250");
            assertThat(smtp.command("DATA")).startsWith("354");
            assertThat(smtp.command("From: someone@elsewhere.test\r\nTo: " + to + "\r\nSubject: " + subject
                    + "\r\n\r\nbody of " + subject + "\r\n.")).startsWith("250");
            assertThat(smtp.command("QUIT")).startsWith("221");
        }
        assertThat(server.inbox(to, Duration.ofSeconds(10))).anyMatch(m -> m.contains("Subject: " + subject));
    }

    /** The messages of a server mailbox by subject. */
    private static Map<String, StoredMessage> serverMailbox(String account, String mailbox) throws IOException {
        MailboxStore store = server.server().store();
        Map<String, StoredMessage> bySubject = new LinkedHashMap<>();
        for (StoredMessage m : store.messages(account, mailbox)) {
            try (InputStream in = store.openContent(account, mailbox, m.uid()).orElseThrow()) {
                bySubject.put(subject(new String(in.readAllBytes(), StandardCharsets.UTF_8)), m);
            }
        }
        return bySubject;
    }

    private static String subject(String message) {
        for (String line : message.split("\r?\n")) {
            if (line.isEmpty()) {
                break;
            }
            if (line.startsWith("Subject: ")) {
                return line.substring("Subject: ".length());
            }
        }
        return "";
    }

    /** The files of a local Maildir folder by subject. */
    private static Map<String, Path> maildir(Path folder) throws IOException {
        Map<String, Path> bySubject = new LinkedHashMap<>();
        for (String sub : List.of("new", "cur")) {
            if (!Files.isDirectory(folder.resolve(sub))) {
                continue;
            }
            try (Stream<Path> files = Files.list(folder.resolve(sub))) {
                for (Path file : files.toList()) {
                    bySubject.put(subject(Files.readString(file, StandardCharsets.UTF_8)), file);
                }
            }
        }
        return bySubject;
    }

    /** Maildir flags are the letters after ":2," in the file name. */
    private static String maildirFlags(Path file) {
        String name = file.getFileName().toString();
        int info = name.indexOf(":2,");
        return info < 0 ? "" : name.substring(info + 3);
    }

    private Path mbsyncConfig(String user, String tlsType, String listener) throws IOException {
        Path local = Files.createDirectories(work.resolve("mail"));
        Files.createDirectories(work.resolve("state"));
        String config = """
                IMAPAccount bastion
                Host 127.0.0.1
                Port %d
                User %s
                Pass "%s"
                SSLType %s
                CertificateFile %s
                SystemCertificates no
                Timeout 20

                IMAPStore remote
                Account bastion

                MaildirStore local
                Path %s/
                Inbox %s/INBOX
                SubFolders Verbatim

                Channel account
                Far :remote:
                Near :local:
                Patterns *
                Create Both
                Expunge Both
                SyncState %s/
                """.formatted(server.port(listener), user, PASSWORD, tlsType, server.certificate(), local, local,
                work.resolve("state"));
        // mbsync 1.4 names the option SSLType; CertificateFile holds the server's own (self-signed)
        // certificate, which mbsync then trusts as that host's, whatever name it carries.
        return Files.writeString(work.resolve("mbsyncrc"), config);
    }

    private static Result mbsync(Path config) throws Exception {
        return run(List.of("mbsync", "-V", "-c", config.toString(), "account"));
    }

    @Test
    void mbsyncSyncsAnAccountBothWaysOverStartTls() throws Exception {
        String user = "mbsync@example.test";
        for (String subject : List.of("one", "two", "three")) {
            deliverBySmtp(user, subject);
        }
        Path config = mbsyncConfig(user, "STARTTLS", "imap");
        Path inbox = work.resolve("mail/INBOX");

        // 1. Server to Maildir: every message and every special-use mailbox.
        Result first = mbsync(config);
        assertThat(first.exitCode()).as(first.output()).isZero();
        assertThat(maildir(inbox)).containsOnlyKeys("one", "two", "three");
        for (String folder : List.of("Sent", "Drafts", "Trash", "Junk", "Archive")) {
            assertThat(work.resolve("mail").resolve(folder)).isDirectory();
        }

        // 2. Maildir to server: flag one, delete two, write a new message, make a new folder.
        Map<String, Path> local = maildir(inbox);
        Path one = local.get("one");
        Files.move(one, inbox.resolve("cur").resolve(one.getFileName().toString().replaceFirst(":2,.*$", "") + ":2,FS"));
        Files.delete(local.get("two"));
        Files.writeString(inbox.resolve("new").resolve("1700000000.local1.host"),
                "From: mbsync@example.test\r\nSubject: written locally\r\n\r\nlocal body\r\n");
        Path projects = work.resolve("mail/Projects");
        for (String sub : List.of("cur", "new", "tmp")) {
            Files.createDirectories(projects.resolve(sub));
        }
        Files.writeString(projects.resolve("cur").resolve("1700000001.local2.host:2,S"),
                "Subject: project note\r\n\r\nnote\r\n");
        Result second = mbsync(config);
        assertThat(second.exitCode()).as(second.output()).isZero();

        Map<String, StoredMessage> remote = serverMailbox(user, "INBOX");
        assertThat(remote).containsOnlyKeys("one", "three", "written locally");
        assertThat(remote.get("one").flags()).containsExactlyInAnyOrder(Flag.FLAGGED, Flag.SEEN); // STORE
        assertThat(remote.get("three").flags()).isEmpty();
        assertThat(serverMailbox(user, "Projects")).containsOnlyKeys("project note"); // CREATE, APPEND
        assertThat(serverMailbox(user, "Projects").get("project note").flags()).containsExactly(Flag.SEEN);
        // UIDPLUS: mbsync learnt the UID of what it appended and wrote it into the file name.
        String appended = maildir(inbox).get("written locally").getFileName().toString();
        assertThat(appended).contains(",U=" + remote.get("written locally").uid());

        // 3. Server to Maildir again: a change made by another client, an expunge, a new message.
        MailboxStore store = server.server().store();
        store.storeFlags(user, "INBOX", List.of(remote.get("three").uid()),
                new FlagChange(FlagChange.Mode.ADD, Set.of(Flag.ANSWERED), Set.of()), OptionalLong.empty());
        store.expunge(user, "INBOX", List.of(remote.get("written locally").uid()));
        deliverBySmtp(user, "four");
        Result third = mbsync(config);
        assertThat(third.exitCode()).as(third.output()).isZero();
        Map<String, Path> after = maildir(inbox);
        assertThat(after).containsOnlyKeys("one", "three", "four");
        assertThat(maildirFlags(after.get("three"))).isEqualTo("R");
        assertThat(maildirFlags(after.get("one"))).isEqualTo("FS");

        // 4. Nothing changed: a sync is a no-op, and still succeeds.
        Result fourth = mbsync(config);
        assertThat(fourth.exitCode()).as(fourth.output()).isZero();
        assertThat(maildir(inbox)).containsOnlyKeys("one", "three", "four");
        assertThat(serverMailbox(user, "INBOX")).containsOnlyKeys("one", "three", "four");
    }

    @Test
    void mbsyncOverImplicitTls() throws Exception {
        String user = "mbsyncs@example.test";
        deliverBySmtp(user, "over imaps");
        Result result = mbsync(mbsyncConfig(user, "IMAPS", "imaps"));
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(maildir(work.resolve("mail/INBOX"))).containsOnlyKeys("over imaps");
    }

    @Test
    void mbsyncWithAWrongPasswordFails() throws Exception {
        Path config = mbsyncConfig("mbsyncs@example.test", "IMAPS", "imaps");
        Files.writeString(config, Files.readString(config).replace(PASSWORD, "wrong password"));
        Result result = mbsync(config);
        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).contains("AUTHENTICATIONFAILED");
    }

    private static List<String> curl(String listener, String hostname, String url) {
        int port = server.port(listener);
        List<String> command = new ArrayList<>(List.of("curl", "--silent", "--show-error", "--max-time", "30",
                "--ssl-reqd", "--cacert", server.certificate().toString(),
                "--resolve", hostname + ":" + port + ":127.0.0.1",
                "--user", "curl@example.test:" + PASSWORD));
        command.add(url.replace("HOST", hostname + ":" + port));
        return command;
    }

    @Test
    void curlListsSearchesAndFetchesOverStartTlsAndImplicitTls() throws Exception {
        String token = UUID.randomUUID().toString();
        deliverBySmtp("curl@example.test", "curl " + token);

        Result list = run(curl("imap", "mx.example.test", "imap://HOST/"));
        assertThat(list.exitCode()).as(list.output()).isZero();
        assertThat(list.output()).contains("\"INBOX\"", "\\Sent", "\\Trash");

        Result search = run(curl("imap", "mx.example.test", "imap://HOST/INBOX?SUBJECT%20" + token));
        assertThat(search.exitCode()).as(search.output()).isZero();
        assertThat(search.output()).matches("(?s)\\* SEARCH \\d+\\s*");

        long uid = serverMailbox("curl@example.test", "INBOX").get("curl " + token).uid();
        Result fetch = run(curl("imaps", "mx.example.test", "imaps://HOST/INBOX/;UID=" + uid));
        assertThat(fetch.exitCode()).as(fetch.output()).isZero();
        assertThat(fetch.output()).contains("Subject: curl " + token, "body of curl " + token);

        Result section = run(curl("imaps", "mx.example.test", "imaps://HOST/INBOX/;UID=" + uid + ";SECTION=TEXT"));
        assertThat(section.exitCode()).as(section.output()).isZero();
        assertThat(section.output()).isEqualToIgnoringNewLines("body of curl " + token);
    }

    @Test
    void curlRefusesTheCertificateForAnotherName() throws Exception {
        // The check above is real: the same certificate does not pass for a name it does not carry.
        Result result = run(curl("imaps", "other.example.test", "imaps://HOST/"));
        assertThat(result.exitCode()).as(result.output()).isNotZero();
    }

    @Test
    void pythonImaplibIdlesAndSeesAMessageDeliveredBySmtp() throws Exception {
        String token = UUID.randomUUID().toString();
        deliverBySmtp("idle@example.test", "before idling");
        Result result = run(List.of("python3", "src/test/interop/imap_idle_smtp.py",
                String.valueOf(server.port("imap")), String.valueOf(server.port("smtp")), "idle@example.test",
                PASSWORD, server.certificate().toString(), token));
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("OK");
        assertThat(serverMailbox("idle@example.test", "INBOX")).containsKey("idle " + token);
    }
}
