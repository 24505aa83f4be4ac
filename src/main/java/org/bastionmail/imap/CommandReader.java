package org.bastionmail.imap;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads one whole command from the wire: its lines and the literals between them (RFC 9051 4.3),
 * asking for synchronizing literals with a continuation and accepting non-synchronizing ones
 * ({@code {n+}}, RFC 7888). The result is the command exactly as sent, literals included, for
 * {@link ImapArgs} to parse.
 *
 * <p>Every part has a limit: a line, the literals of an ordinary command, and an APPEND message.
 */
final class CommandReader {
    private final ImapInput in;
    private final OutputStream out;
    private final int maxLine;
    private final long maxCommand;
    private final long maxAppend;

    /** The command could not be read whole; {@code fatal}: the stream cannot be resynchronised. */
    static final class TooBig extends Exception {
        final String tag;
        final String text;
        final boolean fatal;

        TooBig(String tag, String text, boolean fatal) {
            super(text, null, false, false);
            this.tag = tag;
            this.text = text;
            this.fatal = fatal;
        }
    }

    CommandReader(ImapInput in, OutputStream out, int maxLine, long maxCommand, long maxAppend) {
        this.in = in;
        this.out = out;
        this.maxLine = maxLine;
        this.maxCommand = maxCommand;
        this.maxAppend = maxAppend;
    }

    /** One command, without its final CRLF. */
    byte[] read() throws IOException, TooBig {
        ByteArrayOutputStream command = new ByteArrayOutputStream();
        String tag = "*";
        boolean append = false;
        long total = 0;
        while (true) {
            byte[] line = readLine();
            if (lastLineTooLong) {
                throw new TooBig(total == 0 ? tagOf(new String(line, StandardCharsets.ISO_8859_1)) : tag,
                        "Line too long", false);
            }
            command.write(line);
            if (total == 0) {
                String start = new String(line, StandardCharsets.ISO_8859_1);
                tag = tagOf(start);
                append = isAppend(start);
            }
            total += line.length;
            // APPEND carries one message (no MULTIAPPEND): the whole command may hold it and no more than an
            // ordinary command besides, however many literals it announces
            long budget = append ? maxCommand + maxAppend : maxCommand;
            if (total > budget) {
                throw new TooBig(tag, "Command too long", false);
            }
            Literal literal = literalAtEnd(line);
            if (literal == null) {
                return command.toByteArray();
            }
            long limit = Math.min(append ? maxAppend : maxCommand, budget - total);
            if (literal.size > limit) {
                // RFC 7888 4: a too large non-synchronizing literal is already on its way; we cannot
                // find the end of the command again, so the connection goes.
                throw new TooBig(tag, "[TOOBIG] Literal too large", literal.nonSync);
            }
            if (!literal.nonSync) {
                out.write("+ Ready for literal data\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            command.write('\r');
            command.write('\n');
            in.readExactly(literal.size, command);
            total += literal.size;
        }
    }

    private boolean lastLineTooLong;

    /** A line without CRLF; if longer than the limit, its start (and it is consumed to its LF). */
    private byte[] readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        boolean tooLong = false;
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b == '\n') {
                break;
            }
            if (line.size() >= maxLine) {
                tooLong = true;
            } else {
                line.write(b);
            }
            previous = b;
        }
        lastLineTooLong = tooLong;
        byte[] bytes = line.toByteArray();
        if (previous == '\r') {
            return java.util.Arrays.copyOf(bytes, bytes.length - 1);
        }
        return bytes; // a bare LF is tolerated, as most servers do
    }

    private record Literal(long size, boolean nonSync) {}

    /** RFC 9051 9 literal = "{" number64 ["+"] "}" CRLF; LITERAL- (RFC 7888) allows "+" too. */
    private static Literal literalAtEnd(byte[] line) {
        int end = line.length - 1;
        if (end < 2 || line[end] != '}') {
            return null;
        }
        int i = end - 1;
        boolean nonSync = false;
        if (line[i] == '+') {
            nonSync = true;
            i--;
        }
        int digitsEnd = i;
        while (i >= 0 && line[i] >= '0' && line[i] <= '9') {
            i--;
        }
        if (i < 0 || line[i] != '{' || i == digitsEnd || digitsEnd - i > 18) {
            return null;
        }
        long size = Long.parseLong(new String(line, i + 1, digitsEnd - i, StandardCharsets.US_ASCII));
        return new Literal(size, nonSync);
    }

    private static String tagOf(String line) {
        int space = line.indexOf(' ');
        String tag = space < 0 ? line : line.substring(0, space);
        return ImapArgs.isTag(tag) ? tag : "*";
    }

    private static boolean isAppend(String line) {
        String[] words = line.split(" ", 4);
        if (words.length < 2) {
            return false;
        }
        return words[1].toUpperCase(Locale.ROOT).equals("APPEND");
    }
}
