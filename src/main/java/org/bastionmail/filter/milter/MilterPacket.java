package org.bastionmail.filter.milter;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One milter packet: a 4-octet big-endian length (of what follows), a command octet, then data.
 *
 * @param command the command or reply letter
 * @param data what follows the command octet
 */
record MilterPacket(byte command, byte[] data) {
    MilterPacket {
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /** Reads one packet; a length of 0 or over {@code maxLength}, or an end of stream inside it, is an error. */
    static MilterPacket read(InputStream in, int maxLength) throws IOException {
        byte[] length = in.readNBytes(4);
        if (length.length < 4) {
            throw new EOFException("the milter closed the connection");
        }
        long n = Integer.toUnsignedLong(ByteBuffer.wrap(length).getInt());
        if (n == 0 || n > maxLength) {
            throw new MilterException("milter packet of " + n + " octets (1 to " + maxLength + " allowed)");
        }
        byte[] rest = in.readNBytes((int) n);
        if (rest.length < n) {
            throw new EOFException("the milter closed the connection inside a packet");
        }
        return new MilterPacket(rest[0], Arrays.copyOfRange(rest, 1, rest.length));
    }

    void write(OutputStream out) throws IOException {
        byte[] packet = new byte[5 + data.length];
        ByteBuffer.wrap(packet).putInt(data.length + 1).put(command).put(data);
        out.write(packet);
    }
}
