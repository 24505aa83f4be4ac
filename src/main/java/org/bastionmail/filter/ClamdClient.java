package org.bastionmail.filter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bastionmail.smtp.ReceivedMessage;

/**
 * A client of clamd's INSTREAM command (clamd(8)): {@code zINSTREAM\0}, the message in chunks each preceded by
 * its length as a 4-byte big-endian number, a zero-length chunk to end, then one NUL-terminated reply.
 * One connection per scan; blocking I/O, meant for a virtual thread.
 */
public final class ClamdClient {
    private static final byte[] COMMAND = "zINSTREAM\0".getBytes(StandardCharsets.US_ASCII);
    private static final int CHUNK = 64 * 1024;
    // The longest reply is "stream: NAME FOUND"; anything much longer is not clamd talking.
    private static final int MAX_REPLY = 1024;

    private final SocketAddress address;
    private final Duration timeout;
    private final long maxBytes;

    public ClamdClient(String address, Duration timeout, long maxBytes) {
        this.address = parseAddress(address);
        this.timeout = timeout;
        this.maxBytes = maxBytes;
    }

    public ClamdClient(AntivirusSettings settings) {
        this(settings.address(), settings.timeout(), settings.maxBytes());
    }

    /**
     * Scans a stored message. It is measured first, so a message over the size limit is a failure without
     * anything sent to clamd, which would answer it with an error anyway (StreamMaxLength).
     */
    public ScanResult scan(ReceivedMessage.Content content) {
        try {
            long size;
            try (InputStream in = content.open()) {
                size = measure(in);
            }
            if (size > maxBytes) {
                return new ScanResult.Failed("message larger than " + maxBytes + " bytes");
            }
            try (InputStream in = content.open()) {
                return scan(in);
            }
        } catch (IOException e) {
            return new ScanResult.Failed("cannot read the message: " + ClamdReply.printable(String.valueOf(e.getMessage())));
        }
    }

    /** Scans a stream; past {@code maxBytes} the scan is abandoned as failed. Never throws for clamd's faults. */
    public ScanResult scan(InputStream content) {
        SocketChannel channel;
        try {
            channel = address instanceof UnixDomainSocketAddress
                    ? SocketChannel.open(StandardProtocolFamily.UNIX)
                    : SocketChannel.open();
        } catch (IOException e) {
            return new ScanResult.Failed("cannot open a socket: " + e.getMessage());
        }
        // Blocking channels have no timeouts of their own (and a Unix channel no Socket adapter): a watchdog
        // closes the channel at the deadline, which ends a pending connect, write or read.
        AtomicBoolean timedOut = new AtomicBoolean();
        Thread watchdog = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(timeout);
                timedOut.set(true);
                channel.close();
            } catch (InterruptedException | IOException e) {
                // finished in time, or already closed
            }
        });
        try (channel) {
            return exchange(channel, content);
        } catch (IOException e) {
            if (timedOut.get()) {
                return new ScanResult.Failed("clamd timed out after " + timeout.toMillis() + " ms");
            }
            return new ScanResult.Failed("clamd unreachable or hung up: " + ClamdReply.printable(String.valueOf(e.getMessage())));
        } finally {
            watchdog.interrupt();
        }
    }

    private ScanResult exchange(SocketChannel channel, InputStream content) throws IOException {
        channel.connect(address);
        writeFully(channel, ByteBuffer.wrap(COMMAND));
        byte[] data = new byte[CHUNK];
        long sent = 0;
        int n;
        try {
            while ((n = content.readNBytes(data, 0, CHUNK)) > 0) {
                sent += n;
                if (sent > maxBytes) {
                    return new ScanResult.Failed("message larger than " + maxBytes + " bytes");
                }
                writeFully(channel, ByteBuffer.allocate(4).putInt(0, n));
                writeFully(channel, ByteBuffer.wrap(data, 0, n));
            }
            writeFully(channel, ByteBuffer.allocate(4).putInt(0, 0));
        } catch (IOException writeFailed) {
            // clamd may stop reading and answer early (e.g. its size limit); its reply says why, if it sent one.
            try {
                ScanResult early = ClamdReply.parse(readReply(channel));
                return early instanceof ScanResult.Failed ? early : new ScanResult.Failed("clamd hung up mid-stream");
            } catch (IOException noReply) {
                throw writeFailed;
            }
        }
        return ClamdReply.parse(readReply(channel));
    }

    private static void writeFully(SocketChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** Reads up to the NUL that ends a z-command reply; end of stream before it is an error. */
    private static String readReply(SocketChannel channel) throws IOException {
        ByteArrayOutputStream reply = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(256);
        while (true) {
            buffer.clear();
            if (channel.read(buffer) < 0) {
                throw new IOException("connection closed before the end of clamd's reply");
            }
            buffer.flip();
            while (buffer.hasRemaining()) {
                byte b = buffer.get();
                if (b == 0) {
                    return reply.toString(StandardCharsets.US_ASCII);
                }
                if (reply.size() >= MAX_REPLY) {
                    throw new IOException("clamd reply longer than " + MAX_REPLY + " bytes");
                }
                reply.write(b);
            }
        }
    }

    private static long measure(InputStream in) throws IOException {
        long total = 0;
        byte[] scratch = new byte[CHUNK];
        int n;
        while ((n = in.read(scratch)) > 0) {
            total += n;
        }
        return total;
    }

    /** {@code host:port}, {@code [v6]:port}, or an absolute path to clamd's LocalSocket. */
    static SocketAddress parseAddress(String address) {
        if (address.startsWith("/")) {
            return UnixDomainSocketAddress.of(Path.of(address));
        }
        org.bastionmail.net.HostPort hostPort = org.bastionmail.net.HostPort.parse(address,
                "clamd address (or the absolute path of its socket)");
        return new InetSocketAddress(hostPort.host(), hostPort.port());
    }
}
