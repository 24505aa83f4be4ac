package org.bastionmail.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClamdClientTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final byte[] MESSAGE = "Subject: hi\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII);

    private static ScanResult scan(FakeClamd clamd, byte[] message) {
        return new ClamdClient(clamd.address(), TIMEOUT, 1 << 20).scan(() -> new ByteArrayInputStream(message));
    }

    @Test
    void sendsTheWholeMessageInChunksAndReadsOk() throws IOException {
        byte[] big = new byte[200_000]; // several 64 KiB chunks
        new Random(8).nextBytes(big);
        try (FakeClamd clamd = FakeClamd.replying("stream: OK")) {
            assertThat(scan(clamd, big)).isEqualTo(new ScanResult.Clean());
            assertThat(clamd.streams).hasSize(1);
            assertThat(Arrays.equals(clamd.streams.getFirst(), big)).isTrue();
        }
    }

    @Test
    void emptyMessageIsSentAsJustTheEnd() throws IOException {
        try (FakeClamd clamd = FakeClamd.replying("stream: OK")) {
            assertThat(scan(clamd, new byte[0])).isEqualTo(new ScanResult.Clean());
            assertThat(clamd.streams.getFirst()).isEmpty();
        }
    }

    @Test
    void foundIsInfected() throws IOException {
        try (FakeClamd clamd = FakeClamd.replying("stream: Eicar-Test-Signature FOUND")) {
            assertThat(scan(clamd, MESSAGE)).isEqualTo(new ScanResult.Infected("Eicar-Test-Signature"));
        }
    }

    @Test
    void errorReplyIsFailed() throws IOException {
        try (FakeClamd clamd = FakeClamd.replying("INSTREAM size limit exceeded. ERROR")) {
            assertThat(scan(clamd, MESSAGE)).isInstanceOf(ScanResult.Failed.class);
        }
    }

    @Test
    void earlyErrorWhileSendingIsFailed() throws IOException {
        // clamd stops reading once its StreamMaxLength is reached and answers at once.
        try (FakeClamd clamd = new FakeClamd((socket, c) -> {
            socket.getInputStream().readNBytes(10);
            FakeClamd.send(socket.getOutputStream(), "INSTREAM size limit exceeded. ERROR\0");
        })) {
            byte[] big = new byte[900_000];
            assertThat(scan(clamd, big)).isInstanceOf(ScanResult.Failed.class);
        }
    }

    @Test
    void closedWithoutReplyIsFailed() throws IOException {
        try (FakeClamd clamd = new FakeClamd((socket, c) -> FakeClamd.readStream(socket.getInputStream()))) {
            assertThat(scan(clamd, MESSAGE)).isInstanceOf(ScanResult.Failed.class);
        }
    }

    @Test
    void closedAtOnceIsFailed() throws IOException {
        try (FakeClamd clamd = new FakeClamd((socket, c) -> {})) {
            assertThat(scan(clamd, MESSAGE)).isInstanceOf(ScanResult.Failed.class);
        }
    }

    @Test
    void okWithoutTheTerminatingNulIsFailed() throws IOException {
        try (FakeClamd clamd = new FakeClamd((socket, c) -> {
            FakeClamd.readStream(socket.getInputStream());
            FakeClamd.send(socket.getOutputStream(), "stream: OK");
        })) {
            assertThat(scan(clamd, MESSAGE)).isInstanceOf(ScanResult.Failed.class);
        }
    }

    @Test
    void endlessReplyIsFailed() throws IOException {
        try (FakeClamd clamd = new FakeClamd((socket, c) -> {
            FakeClamd.readStream(socket.getInputStream());
            FakeClamd.send(socket.getOutputStream(), "stream: OK".repeat(1000) + "\0");
        })) {
            assertThat(scan(clamd, MESSAGE)).isInstanceOf(ScanResult.Failed.class);
        }
    }

    @Test
    void stalledClamdTimesOut() throws IOException {
        CountDownLatch release = new CountDownLatch(1);
        try (FakeClamd clamd = new FakeClamd((socket, c) -> {
            FakeClamd.readStream(socket.getInputStream());
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        })) {
            ScanResult result = new ClamdClient(clamd.address(), Duration.ofMillis(300), 1 << 20)
                    .scan(() -> new ByteArrayInputStream(MESSAGE));
            assertThat(result).isInstanceOf(ScanResult.Failed.class);
            assertThat(((ScanResult.Failed) result).reason()).contains("timed out");
        } finally {
            release.countDown();
        }
    }

    @Test
    void clamdNotReadingTimesOut() throws IOException {
        CountDownLatch release = new CountDownLatch(1);
        try (FakeClamd clamd = new FakeClamd((socket, c) -> {
            try {
                release.await(); // never reads: the client's writes fill the socket buffers
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        })) {
            ScanResult result = new ClamdClient(clamd.address(), Duration.ofMillis(300), 64 << 20)
                    .scan(() -> new ByteArrayInputStream(new byte[32 << 20]));
            assertThat(result).isInstanceOf(ScanResult.Failed.class);
        } finally {
            release.countDown();
        }
    }

    @Test
    void nobodyListeningIsFailed() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ScanResult result = new ClamdClient("127.0.0.1:" + port, TIMEOUT, 1000).scan(() -> new ByteArrayInputStream(MESSAGE));
        assertThat(result).isInstanceOf(ScanResult.Failed.class);
    }

    @Test
    void oversizedMessageIsFailedWithoutContactingClamd() throws IOException {
        try (FakeClamd clamd = FakeClamd.replying("stream: OK")) {
            ScanResult result = new ClamdClient(clamd.address(), TIMEOUT, MESSAGE.length - 1)
                    .scan(() -> new ByteArrayInputStream(MESSAGE));
            assertThat(result).isInstanceOf(ScanResult.Failed.class);
            assertThat(clamd.connections.get()).isZero();
        }
    }

    @Test
    void streamGrowingPastTheLimitIsFailed() throws IOException {
        try (FakeClamd clamd = FakeClamd.replying("stream: OK")) {
            ScanResult result = new ClamdClient(clamd.address(), TIMEOUT, 100_000)
                    .scan(new ByteArrayInputStream(new byte[300_000]));
            assertThat(result).isInstanceOf(ScanResult.Failed.class);
            assertThat(clamd.streams).isEmpty();
        }
    }

    @Test
    void unreadableMessageIsFailed() {
        ScanResult result = new ClamdClient("127.0.0.1:1", TIMEOUT, 1000).scan(() -> {
            throw new IOException("disk gone");
        });
        assertThat(result).isInstanceOf(ScanResult.Failed.class);
    }

    @Test
    void unixSocket(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("clamd.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(path));
            Thread fake = Thread.ofVirtual().start(() -> {
                try (SocketChannel peer = server.accept()) {
                    InputStream in = Channels.newInputStream(peer);
                    byte[] stream = FakeClamd.readStream(in);
                    String reply = Arrays.equals(stream, MESSAGE) ? "stream: OK\0" : "garbled\0";
                    peer.write(ByteBuffer.wrap(reply.getBytes(StandardCharsets.US_ASCII)));
                } catch (IOException e) {
                    // the test fails on the client side
                }
            });
            ScanResult result = new ClamdClient(path.toString(), TIMEOUT, 1000).scan(() -> new ByteArrayInputStream(MESSAGE));
            assertThat(result).isEqualTo(new ScanResult.Clean());
            fake.join();
        }
    }

    @Test
    void addresses() {
        assertThat(ClamdClient.parseAddress("/run/clamav/clamd.ctl")).isInstanceOf(UnixDomainSocketAddress.class);
        assertThat(ClamdClient.parseAddress("127.0.0.1:3310").toString()).contains("3310");
        assertThat(ClamdClient.parseAddress("[::1]:3310").toString()).contains("3310");
        for (String bad : new String[] {"clamd", "127.0.0.1:", ":3310", "127.0.0.1:0", "127.0.0.1:99999", "h:x", "relative/path"}) {
            assertThatThrownBy(() -> ClamdClient.parseAddress(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
