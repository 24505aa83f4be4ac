package org.bastionmail.filter;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A scripted clamd on 127.0.0.1: each connection is handed to {@code script}. */
final class FakeClamd implements AutoCloseable {
    @FunctionalInterface
    interface Script {
        void run(Socket socket, FakeClamd clamd) throws IOException;
    }

    private final ServerSocket server;
    final AtomicInteger connections = new AtomicInteger();
    /** The streams received in full (command checked, chunks joined). */
    final CopyOnWriteArrayList<byte[]> streams = new CopyOnWriteArrayList<>();

    FakeClamd(Script script) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    connections.incrementAndGet();
                    Thread.ofVirtual().start(() -> {
                        try (socket) {
                            script.run(socket, this);
                        } catch (IOException e) {
                            // the client went away
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    /** Answers {@code reply} (plus the NUL) after reading the whole stream. */
    static FakeClamd replying(String reply) throws IOException {
        return new FakeClamd((socket, clamd) -> {
            clamd.streams.add(readStream(socket.getInputStream()));
            send(socket.getOutputStream(), reply + "\0");
        });
    }

    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** Reads {@code zINSTREAM\0} and the chunks up to the zero-length one, as clamd does. */
    static byte[] readStream(InputStream raw) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        byte[] command = in.readNBytes(10);
        if (!new String(command, StandardCharsets.US_ASCII).equals("zINSTREAM\0")) {
            throw new IOException("unexpected command");
        }
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        int length;
        while ((length = in.readInt()) != 0) {
            data.write(in.readNBytes(length));
        }
        return data.toByteArray();
    }

    static void send(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
