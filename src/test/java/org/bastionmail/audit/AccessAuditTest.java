package org.bastionmail.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bastionmail.dns.DnsjavaResolver;
import org.bastionmail.dns.testserver.TestDnsServer;
import org.bastionmail.server.RunningServer;
import org.junit.jupiter.api.Test;

/** IMAP and POP3 servers that take passwords in clear text and offer no TLS are reported (a hardened Bastion is quiet: BastionAuditTest). */
class AccessAuditTest {
    /** A scripted server: the greeting, then one canned answer per command word. */
    static ServerSocket scripted(String greeting, Map<String, String> answers) throws Exception {
        ServerSocket listener = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!listener.isClosed()) {
                try (Socket socket = listener.accept()) {
                    socket.setSoTimeout(5000);
                    OutputStream out = socket.getOutputStream();
                    BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                    out.write((greeting + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    String line;
                    while ((line = in.readLine()) != null) {
                        String word = line.contains(" ") && line.startsWith("a") ? line.split(" ")[1] : line.split(" ")[0];
                        out.write((answers.getOrDefault(word.toUpperCase(), "-ERR no") + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    }
                } catch (Exception e) {
                    // next connection
                }
            }
        });
        return listener;
    }

    static AuditReport audit(AccessAudit.Protocol protocol, int port) throws Exception {
        try (TestDnsServer dns = RunningServer.startDns()) {
            AuditSettings settings = new AuditSettings(DnsjavaResolver.create(RunningServer.loopbackDns(dns)), Duration.ofSeconds(3), 25,
                    CertificateTrust.system(), List.of(), "auditor.test", Optional.empty());
            SmtpTarget target = new SmtpTarget("127.0.0.1", new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), "127.0.0.1", true, Optional.empty());
            return new AuditReport("test", new AccessAudit(settings, target, protocol).run(), List.of());
        }
    }

    @Test
    void aPlaintextImapServerIsReported() throws Exception {
        try (ServerSocket imap = scripted("* OK Dovecot 2.3.4 ready.", Map.of("CAPABILITY", "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\na1 OK done")) ) {
            AuditReport report = audit(AccessAudit.Protocol.IMAP, imap.getLocalPort());
            assertThat(report.findings()).extracting(Finding::id)
                    .containsExactlyInAnyOrder("imap.starttls.missing", "imap.auth.plaintext", "imap.banner.disclosure");
            assertThat(report.withId("imap.banner.disclosure").getFirst().title()).contains("Dovecot");
            assertThat(report.withId("imap.auth.plaintext").getFirst().evidence()).contains("C: a1 CAPABILITY", "* CAPABILITY IMAP4rev1 AUTH=PLAIN");
        }
    }

    @Test
    void anImapServerWithLoginDisabledBeforeTlsIsNotReportedForIt() throws Exception {
        try (ServerSocket imap = scripted("* OK ready", Map.of("CAPABILITY", "* CAPABILITY IMAP4rev1 LOGINDISABLED\r\na1 OK done"))) {
            AuditReport report = audit(AccessAudit.Protocol.IMAP, imap.getLocalPort());
            assertThat(report.findings()).extracting(Finding::id).containsExactly("imap.starttls.missing");
        }
    }

    @Test
    void aPlaintextPop3ServerIsReported() throws Exception {
        try (ServerSocket pop3 = scripted("+OK POP3 ready", Map.of("CAPA", "+OK\r\nUSER\r\nSASL PLAIN\r\n."))) {
            AuditReport report = audit(AccessAudit.Protocol.POP3, pop3.getLocalPort());
            assertThat(report.findings()).extracting(Finding::id).containsExactlyInAnyOrder("pop3.starttls.missing", "pop3.auth.plaintext");
        }
    }
}
