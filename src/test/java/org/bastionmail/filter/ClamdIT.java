package org.bastionmail.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.bastionmail.smtp.HookVerdict;
import org.bastionmail.smtp.MessageHooks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against the real clamd from Debian (package clamav-daemon), started here in the foreground from a private
 * database whose only signature is the EICAR test file's MD5; nothing is downloaded.
 */
class ClamdIT {
    // The EICAR anti-virus test file: 68 bytes, harmless, detected by every scanner.
    static final String EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
    private static final String EICAR_MD5 = "44d88612fea8a8f36de82e1278abb02f";
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    static Path dir;
    private static Process clamd;
    private static String tcpAddress;
    private static String unixAddress;

    @BeforeAll
    static void startClamd() throws Exception {
        Path binary = findClamd();
        Files.createDirectories(dir.resolve("db"));
        Files.writeString(dir.resolve("db/test.hdb"), EICAR_MD5 + ":68:Eicar-Test-Signature\n");
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Path socket = dir.resolve("clamd.sock");
        String config = String.join("\n",
                "Foreground yes",
                "DatabaseDirectory " + dir.resolve("db"),
                "TCPSocket " + port,
                "TCPAddr 127.0.0.1",
                "LocalSocket " + socket,
                "LogFile " + dir.resolve("clamd.log"),
                "PidFile " + dir.resolve("clamd.pid"),
                "StreamMaxLength 1M",
                // As root, clamd would otherwise try to switch to its own user; as anyone else it cannot switch.
                "root".equals(System.getProperty("user.name")) ? "User root" : "",
                "");
        Files.writeString(dir.resolve("clamd.conf"), config);
        long start = System.nanoTime();
        clamd = new ProcessBuilder(binary.toString(), "--config-file=" + dir.resolve("clamd.conf"))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("clamd.out").toFile())
                .start();
        tcpAddress = "127.0.0.1:" + port;
        unixAddress = socket.toString();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(listening(port) && Files.exists(socket))) {
            if (!clamd.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("clamd did not start:\n" + Files.readString(dir.resolve("clamd.out")));
            }
            Thread.sleep(50);
        }
        System.out.printf("clamd ready in %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    @AfterAll
    static void stopClamd() throws InterruptedException {
        if (clamd != null) {
            clamd.destroy();
            if (!clamd.waitFor(10, TimeUnit.SECONDS)) {
                clamd.destroyForcibly().waitFor();
            }
        }
    }

    private static Path findClamd() {
        // Debian installs clamd in /usr/sbin, which is not on every user's PATH.
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin";
        Optional<Path> found = List.of(path.split(File.pathSeparator)).stream()
                .map(d -> Path.of(d, "clamd"))
                .filter(Files::isExecutable)
                .findFirst();
        if (found.isEmpty() && System.getenv("CI") != null) {
            throw new AssertionError("clamd is not installed; .ci/run must install clamav-daemon");
        }
        Assumptions.assumeTrue(found.isPresent(), "clamd is not installed (Debian package clamav-daemon)");
        return found.get();
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A message with EICAR as a base64 attachment, which clamd decodes before matching the file's hash. */
    static byte[] eicarMessage() {
        String text = "From: a@example.org\r\nTo: b@example.org\r\nSubject: test\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
                + "--b1\r\nContent-Type: text/plain\r\n\r\nsee attachment\r\n"
                + "--b1\r\nContent-Type: application/octet-stream; name=eicar.com\r\n"
                + "Content-Disposition: attachment; filename=eicar.com\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + Base64.getMimeEncoder().encodeToString(EICAR.getBytes(StandardCharsets.US_ASCII)) + "\r\n--b1--\r\n";
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    static final byte[] CLEAN = "From: a@example.org\r\nTo: b@example.org\r\nSubject: hello\r\n\r\nNothing to see.\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    private static ScanResult scan(String address, long maxBytes, byte[] message) {
        return new ClamdClient(address, TIMEOUT, maxBytes).scan(() -> new ByteArrayInputStream(message));
    }

    @Test
    void eicarIsTheTestFile() throws Exception {
        byte[] eicar = EICAR.getBytes(StandardCharsets.US_ASCII);
        assertThat(eicar).hasSize(68);
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(eicar))).isEqualTo(EICAR_MD5);
    }

    @Test
    void eicarIsInfectedOverTcpAndUnixSocket() {
        for (String address : List.of(tcpAddress, unixAddress)) {
            ScanResult result = scan(address, 1 << 20, eicarMessage());
            assertThat(result).as(address).isInstanceOf(ScanResult.Infected.class);
            assertThat(((ScanResult.Infected) result).name()).startsWith("Eicar-Test-Signature");
        }
    }

    @Test
    void cleanMessageIsClean() {
        assertThat(scan(tcpAddress, 1 << 20, CLEAN)).isEqualTo(new ScanResult.Clean());
        assertThat(scan(unixAddress, 1 << 20, CLEAN)).isEqualTo(new ScanResult.Clean());
    }

    @Test
    void messageOverClamdsStreamMaxLengthIsFailedNeverClean() {
        // Our own limit is set above clamd's 1M, so clamd itself sees the oversized stream and answers an error.
        byte[] big = new byte[3 << 20];
        Arrays.fill(big, (byte) 'a');
        ScanResult result = scan(tcpAddress, 8 << 20, big);
        assertThat(result).isInstanceOf(ScanResult.Failed.class);
        // clamd is still fine afterwards
        assertThat(scan(tcpAddress, 1 << 20, CLEAN)).isEqualTo(new ScanResult.Clean());
    }

    @Test
    void hooksRefuseEicarAndTagCleanMail() throws IOException {
        var hooks = new AntivirusHooks(MessageHooks.none(),
                new AntivirusSettings(tcpAddress, TIMEOUT, 1 << 20, false));
        HookVerdict infected = hooks.afterData(AntivirusHooksTest.message(eicarMessage()));
        assertThat(infected).isInstanceOf(HookVerdict.Refuse.class);
        var refuse = (HookVerdict.Refuse) infected;
        assertThat(refuse.code()).isEqualTo(554);
        assertThat(refuse.enhancedCode()).isEqualTo("5.7.1");
        assertThat(refuse.text()).startsWith("Message contains a virus (Eicar-Test-Signature");

        assertThat(hooks.afterData(AntivirusHooksTest.message(CLEAN)))
                .isEqualTo(new HookVerdict.Accept("X-Bastion-Virus-Scan: clean\r\n", false));
    }

    @Test
    void hooksFailClosedOnAnOversizedMessage() throws IOException {
        var hooks = new AntivirusHooks(MessageHooks.none(),
                new AntivirusSettings(unixAddress, TIMEOUT, 8 << 20, false));
        byte[] big = new byte[2 << 20];
        Arrays.fill(big, (byte) 'b');
        assertThat(hooks.afterData(AntivirusHooksTest.message(big)))
                .isEqualTo(new HookVerdict.Refuse(451, "4.3.0", "Virus scanner unavailable, try again later"));
    }
}
