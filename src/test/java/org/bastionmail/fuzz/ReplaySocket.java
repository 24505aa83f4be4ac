package org.bastionmail.fuzz;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/**
 * An unconnected socket whose input is a fixed byte array and whose output is discarded: lets the
 * protocol readers (net.ClientInput under SmtpInput and Pop3Input, ImapInput) run on fuzzer bytes at millions of inputs a
 * second instead of through a loopback connection per input.
 */
public final class ReplaySocket extends Socket {
    private final InputStream in;

    public ReplaySocket(byte[] bytes) {
        this.in = new ByteArrayInputStream(bytes);
    }

    @Override
    public InputStream getInputStream() {
        return in;
    }

    @Override
    public OutputStream getOutputStream() {
        return OutputStream.nullOutputStream();
    }

    @Override
    public void setSoTimeout(int timeout) {
        // nothing blocks: the input is all there
    }
}
