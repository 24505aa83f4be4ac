package org.bastionmail.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Python's imaplib, as a separate process, against a real listener: STARTTLS, login, list, fetch, etc. */
class ImapInteropIT {
    @TempDir
    Path dir;

    @Test
    void pythonImaplibDrivesAWholeSession() throws Exception {
        try (ImapHarness server = new ImapHarness(dir)) {
            Path mail = Files.writeString(dir.resolve("m.eml"), "Subject: delivered by SMTP\r\n\r\nhi\r\n");
            server.store.deliver(ImapHarness.ALICE, "INBOX", "q1/alice", mail, Instant.now(), Long.MAX_VALUE);
            Path cert = dir.resolve("tls").resolve("selfsigned-cert.pem");
            Path script = Path.of("src/test/interop/imap_client.py");
            Process process = new ProcessBuilder("python3", script.toString(), String.valueOf(server.port()),
                    ImapHarness.ALICE, ImapHarness.PASSWORD, certificate(dir.resolve("tls"), cert).toString())
                    .redirectErrorStream(true).start();
            boolean finished = process.waitFor(60, TimeUnit.SECONDS);
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!finished) {
                process.destroyForcibly();
            }
            assertThat(finished).as(output).isTrue();
            assertThat(output).as(output).contains("OK");
            assertThat(process.exitValue()).as(output).isZero();
            assertThat(server.store.messages(ImapHarness.ALICE, "Archive")).hasSize(1);
        }
    }

    /** The PEM certificate ServerCertificate.selfSigned wrote, whatever its file is called. */
    private static Path certificate(Path tlsDir, Path expected) throws Exception {
        if (Files.exists(expected)) {
            return expected;
        }
        try (var files = Files.list(tlsDir)) {
            return files.filter(p -> p.toString().contains("cert")).findFirst().orElseThrow();
        }
    }
}
