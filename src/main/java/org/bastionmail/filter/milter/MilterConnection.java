package org.bastionmail.filter.milter;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One connection to a milter, for one message. Blocking channels have no timeouts of their own (and a Unix
 * channel no Socket adapter), so a watchdog closes the channel at the deadline, which ends any pending
 * connect, write or read with an exception.
 */
final class MilterConnection implements Closeable {
    private final SocketChannel channel;
    private final InputStream in;
    private final OutputStream out;
    private final Thread watchdog;
    private final AtomicBoolean timedOut = new AtomicBoolean();

    private MilterConnection(SocketChannel channel, Duration timeout) {
        this.channel = channel;
        this.in = new java.io.BufferedInputStream(Channels.newInputStream(channel));
        this.out = new BufferedOutputStream(Channels.newOutputStream(channel));
        this.watchdog = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(timeout);
                timedOut.set(true);
                channel.close();
            } catch (InterruptedException | IOException e) {
                // finished in time, or already closed
            }
        });
    }

    static MilterConnection open(SocketAddress address, Duration timeout) throws IOException {
        SocketChannel channel = address instanceof UnixDomainSocketAddress
                ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
        MilterConnection connection = new MilterConnection(channel, timeout);
        try {
            SocketAddress target = address instanceof InetSocketAddress inet && inet.isUnresolved()
                    ? new InetSocketAddress(inet.getHostString(), inet.getPort()) : address;
            channel.connect(target);
            return connection;
        } catch (IOException e) {
            connection.close();
            throw connection.explain(e);
        }
    }

    void send(byte command, byte[] data) throws IOException {
        try {
            new MilterPacket(command, data).write(out);
        } catch (IOException e) {
            throw explain(e);
        }
    }

    /** Sends what was written; replies are only awaited after a flush. */
    void flush() throws IOException {
        try {
            out.flush();
        } catch (IOException e) {
            throw explain(e);
        }
    }

    MilterPacket receive() throws IOException {
        try {
            flush();
            return MilterPacket.read(in, MilterProtocol.MAX_PACKET);
        } catch (MilterException e) {
            throw e;
        } catch (IOException e) {
            throw explain(e);
        }
    }

    private IOException explain(IOException e) {
        return timedOut.get() ? new IOException("milter timed out") : e;
    }

    @Override
    public void close() {
        watchdog.interrupt();
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to do with it
        }
    }
}
