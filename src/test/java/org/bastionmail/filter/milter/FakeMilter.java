package org.bastionmail.filter.milter;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A hand-written milter on loopback for protocol edge cases: it negotiates what it is told, answers CONTINUE
 * to every step that wants an answer, and sends a scripted list of packets at the end of the message (or at
 * a given step). Raw bytes can be scripted too, for malformed replies.
 */
final class FakeMilter implements AutoCloseable {
    final List<MilterPacket> received = new CopyOnWriteArrayList<>();
    private final ServerSocket server;
    private final Thread thread;

    /** What the fake says: the negotiation reply, and replies per command letter (default CONTINUE). */
    record Script(byte[] optnegReply, Map<Character, List<byte[]>> replies, int protocol) {}

    private FakeMilter(Script script) throws IOException {
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        thread = Thread.ofVirtual().start(() -> serve(script));
    }

    static FakeMilter start(Script script) throws IOException {
        return new FakeMilter(script);
    }

    /** A milter that negotiates {@code actions} and {@code protocol} and answers {@code replies}. */
    static FakeMilter start(int actions, int protocol, Map<Character, List<byte[]>> replies) throws IOException {
        return start(new Script(packet('O', ByteBuffer.allocate(12).putInt(6).putInt(actions).putInt(protocol).array()),
                replies, protocol));
    }

    String address() {
        return "inet:127.0.0.1:" + server.getLocalPort();
    }

    private void serve(Script script) {
        try (Socket socket = server.accept()) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            while (true) {
                MilterPacket packet;
                try {
                    packet = MilterPacket.read(in, 1 << 24);
                } catch (IOException e) {
                    return;
                }
                received.add(packet);
                char command = (char) packet.command();
                if (command == 'O') {
                    out.write(script.optnegReply());
                } else if (script.replies().containsKey(command)) {
                    for (byte[] reply : script.replies().get(command)) {
                        out.write(reply);
                    }
                } else if (command != 'D' && command != 'Q' && command != 'A' && !noReply(command, script.protocol())) {
                    out.write(packet('c', new byte[0]));
                }
                out.flush();
                if (command == 'Q') {
                    return;
                }
            }
        } catch (IOException e) {
            // the test is over
        }
    }

    private static boolean noReply(char command, int protocol) {
        return switch (command) {
            case 'C' -> (protocol & MilterProtocol.P_NR_CONN) != 0;
            case 'H' -> (protocol & MilterProtocol.P_NR_HELO) != 0;
            case 'M' -> (protocol & MilterProtocol.P_NR_MAIL) != 0;
            case 'R' -> (protocol & MilterProtocol.P_NR_RCPT) != 0;
            case 'T' -> (protocol & MilterProtocol.P_NR_DATA) != 0;
            case 'L' -> (protocol & MilterProtocol.P_NR_HDR) != 0;
            case 'N' -> (protocol & MilterProtocol.P_NR_EOH) != 0;
            case 'B' -> (protocol & MilterProtocol.P_NR_BODY) != 0;
            default -> false;
        };
    }

    /** A packet on the wire. */
    static byte[] packet(char command, byte[] data) {
        return ByteBuffer.allocate(5 + data.length).putInt(data.length + 1).put((byte) command).put(data).array();
    }

    /** NUL-terminated strings. */
    static byte[] strings(String... strings) {
        StringBuilder out = new StringBuilder();
        for (String s : strings) {
            out.append(s).append('\0');
        }
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] indexed(int index, String... strings) {
        byte[] tail = strings(strings);
        return ByteBuffer.allocate(4 + tail.length).putInt(index).put(tail).array();
    }

    /** The commands received, once the client hung up (bounded wait). */
    List<Character> commands() {
        try {
            thread.join(java.time.Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return received.stream().map(p -> (char) p.command()).toList();
    }

    @Override
    public void close() throws IOException {
        server.close();
        thread.interrupt();
    }
}
