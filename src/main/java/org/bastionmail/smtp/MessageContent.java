package org.bastionmail.smtp;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Optional;
import org.bastionmail.config.Config;

/**
 * Where the message text goes after DATA's dot-unstuffing or straight from BDAT chunks: it checks the
 * text against the limits and the line-ending policy, holds back the header section until it is complete
 * (so fields can be added in front of it) and streams the rest to the queue.
 *
 * <p>Once a problem is found nothing more is stored, but the text is still consumed to its end, so the
 * client stays in step and gets its error after the data (RFC 1870 6.1, RFC 5321 4.2.5).
 *
 * <p>Line ending policy (SMTP smuggling, 2023): only CRLF ends a line; a bare CR or a bare LF anywhere
 * rejects the message, as does a NUL (RFC 5321 2.3.8 and 4.1.1.4, RFC 5322 2.3).
 */
final class MessageContent extends OutputStream {

    /**
     * Gives what is stored in place of the completed header section: the fields added in front of it
     * (Received, Message-ID) and the section itself, possibly filtered.
     */
    @FunctionalInterface
    interface HeaderHook {
        byte[] rewrite(byte[] headerFields);
    }

    private final Config.Limits limits;
    private final OutputStream sink;
    private final HeaderHook hook;
    private final ByteArrayOutputStream header = new ByteArrayOutputStream();
    private Optional<Reply> problem = Optional.empty();
    private boolean inHeader = true;
    private long size;
    private int lineLength;
    private int previous = -1;

    MessageContent(Config.Limits limits, OutputStream sink, HeaderHook hook) {
        this.limits = limits;
        this.sink = new BufferedOutputStream(sink, 16384);
        this.hook = hook;
    }

    @Override
    public void write(int value) {
        int b = value & 0xff;
        size++;
        lineLength++;
        if (size > limits.messageSize()) {
            fail(Reply.TOO_BIG);
        }
        if (b == 0) {
            fail(Reply.NUL_IN_DATA);
        }
        if ((previous == '\r' && b != '\n') || (b == '\n' && previous != '\r')) {
            fail(Reply.BARE_NEWLINE_DATA);
        }
        if (lineLength > limits.lineLength()) {
            fail(Reply.DATA_LINE_TOO_LONG);
        }
        boolean lineEnd = b == '\n' && previous == '\r';
        previous = b;
        if (inHeader) {
            if (problem.isEmpty()) {
                header.write(b);
                if (header.size() > limits.headerSize()) {
                    fail(Reply.HEADER_TOO_BIG);
                }
            }
            if (lineEnd && lineLength == 2) {
                // RFC 5322 2.1: an empty line ends the header section.
                endHeader(header.size() - 2);
            }
        } else {
            store(b);
        }
        if (lineEnd) {
            lineLength = 0;
        }
    }

    @Override
    public void write(byte[] bytes, int off, int len) {
        int end = off + len;
        int i = off;
        while (i < end) {
            if (inHeader) {
                write(bytes[i++]);
                continue;
            }
            // In the body, a run of bytes that are neither CR, LF nor NUL needs only the counters
            // checked, and goes on in one piece.
            int start = i;
            while (i < end) {
                byte b = bytes[i];
                if (b == '\r' || b == '\n' || b == 0) {
                    break;
                }
                i++;
            }
            int run = i - start;
            if (run > 0) {
                if (previous == '\r') {
                    fail(Reply.BARE_NEWLINE_DATA);
                }
                size += run;
                lineLength += run;
                if (size > limits.messageSize()) {
                    fail(Reply.TOO_BIG);
                }
                if (lineLength > limits.lineLength()) {
                    fail(Reply.DATA_LINE_TOO_LONG);
                }
                previous = bytes[i - 1] & 0xff;
                store(bytes, start, run);
            }
            if (i < end) {
                write(bytes[i++]);
            }
        }
    }

    private void fail(Reply reply) {
        if (problem.isEmpty()) {
            problem = Optional.of(reply);
        }
    }

    private void endHeader(int fieldsLength) {
        inHeader = false;
        if (problem.isPresent()) {
            return;
        }
        byte[] all = header.toByteArray();
        byte[] fields = java.util.Arrays.copyOf(all, fieldsLength);
        try {
            sink.write(hook.rewrite(fields));
            sink.write(all, fieldsLength, all.length - fieldsLength);
        } catch (IOException e) {
            fail(Reply.storageFailure(e));
        }
    }

    private void store(int b) {
        if (problem.isPresent()) {
            return;
        }
        try {
            sink.write(b);
        } catch (IOException e) {
            fail(Reply.storageFailure(e));
        }
    }

    private void store(byte[] bytes, int off, int len) {
        if (problem.isPresent()) {
            return;
        }
        try {
            sink.write(bytes, off, len);
        } catch (IOException e) {
            fail(Reply.LOCAL_ERROR);
        }
    }

    /** Ends the text; returns the problem that rejects it, if any. */
    Optional<Reply> finish() {
        if (previous == '\r') {
            fail(Reply.BARE_NEWLINE_DATA);
        }
        if (size > 0 && previous != '\n' && lineLength + 2 > limits.lineLength()) {
            // the CRLF we add below to unterminated BDAT text counts against the line limit too
            fail(Reply.DATA_LINE_TOO_LONG);
        }
        if (inHeader) {
            // A message without a body (RFC 5322 3.5): the whole text is the header section.
            if (size > 0 && previous != '\n') {
                header.writeBytes(new byte[] {'\r', '\n'});
            }
            endHeader(header.size());
        } else if (size > 0 && previous != '\n') {
            // BDAT text need not end in CRLF; what we store does (RFC 5322 2.1).
            store('\r');
            store('\n');
        }
        if (problem.isEmpty()) {
            try {
                sink.flush();
            } catch (IOException e) {
                fail(Reply.storageFailure(e));
            }
        }
        return problem;
    }

    /** The problem found so far, if any (checked after each BDAT chunk). */
    Optional<Reply> problem() {
        return problem;
    }

    long size() {
        return size;
    }
}
