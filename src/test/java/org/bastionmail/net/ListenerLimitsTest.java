package org.bastionmail.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ListenerLimitsTest {
    private static String firstLine(Socket socket) throws Exception {
        socket.setSoTimeout(10_000);
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }

    @Test
    void aConnectionOverTheLimitGetsTheProtocolsRefusalAndTheOthersAreServed() throws Exception {
        ConnectionLimits limits = new ConnectionLimits(new ConnectionLimits.Settings(10, 1, 100), java.time.Clock.systemUTC());
        CountDownLatch done = new CountDownLatch(1);
        try (Listener listener = Listener.start("imap", new InetSocketAddress("127.0.0.1", 0), null, Protocol.IMAP, limits,
                Blocklist.none(), socket -> {
                    socket.getOutputStream().write("* OK ready\r\n".getBytes(StandardCharsets.US_ASCII));
                    try {
                        done.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    socket.close();
                });
                Socket first = new Socket("127.0.0.1", listener.address().getPort());
                Socket second = new Socket("127.0.0.1", listener.address().getPort())) {
            assertThat(firstLine(first)).isEqualTo("* OK ready");
            assertThat(firstLine(second)).isEqualTo("* BYE Too many connections");
            assertThat(second.getInputStream().read()).isEqualTo(-1);
            done.countDown();
        }
    }

    @Test
    void aBlockedClientGetsTheBanLine() throws Exception {
        try (Listener listener = Listener.start("smtp", new InetSocketAddress("127.0.0.1", 0), null, Protocol.SMTP,
                ConnectionLimits.unlimited(), client -> true, Socket::close);
                Socket socket = new Socket("127.0.0.1", listener.address().getPort())) {
            assertThat(firstLine(socket)).startsWith("421 4.7.0 ");
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void aBlocklistThatThrowsDoesNotStopTheListener() throws Exception {
        boolean[] thrown = new boolean[1];
        try (Listener listener = Listener.start("pop3", new InetSocketAddress("127.0.0.1", 0), null, Protocol.POP3,
                ConnectionLimits.unlimited(), client -> {
                    if (!thrown[0]) {
                        thrown[0] = true;
                        throw new IllegalStateException("boom");
                    }
                    return false;
                }, socket -> {
                    socket.getOutputStream().write("+OK\r\n".getBytes(StandardCharsets.US_ASCII));
                    socket.close();
                })) {
            try (Socket first = new Socket("127.0.0.1", listener.address().getPort())) {
                first.setSoTimeout(10_000);
                assertThat(first.getInputStream().read()).isEqualTo(-1);
            }
            try (Socket second = new Socket("127.0.0.1", listener.address().getPort())) {
                assertThat(firstLine(second)).isEqualTo("+OK");
            }
        }
    }
}
