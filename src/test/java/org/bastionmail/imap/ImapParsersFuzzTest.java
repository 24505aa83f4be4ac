package org.bastionmail.imap;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.bastionmail.fuzz.ReplaySocket;

/**
 * Fuzz targets for what an IMAP client sends: whole commands read from the wire with their literals
 * ({@link CommandReader}), then walked with the {@link ImapArgs} token readers, {@link Section},
 * {@link SequenceSet} and the date parsers; and LIST patterns ({@link ListCommand#matches}).
 *
 * <p>Documented failures: {@link CommandReader.TooBig}, {@link ImapArgs.Syntax}, EOFException at the end of
 * the input. Anything else is a finding, and so is a command larger than the limits allow.
 */
class ImapParsersFuzzTest {
    private static final int MAX_LINE = 300;
    private static final long MAX_COMMAND = 1000;
    private static final long MAX_APPEND = 2000;

    @FuzzTest
    void commands(byte[] wire) throws IOException {
        if (wire == null) {
            return;
        }
        ImapInput in = new ImapInput(new ReplaySocket(wire), OutputStream.nullOutputStream());
        CommandReader reader = new CommandReader(in, OutputStream.nullOutputStream(), MAX_LINE, MAX_COMMAND, MAX_APPEND);
        for (int n = 0; n < 100; n++) {
            byte[] command;
            try {
                command = reader.read();
            } catch (EOFException end) {
                return;
            } catch (CommandReader.TooBig tooBig) {
                assertThat(tooBig.tag).isNotNull();
                if (tooBig.fatal) {
                    return; // the session closes the connection
                }
                continue;
            }
            // every literal is announced in a line of at least "{0}", so CRLFs added add at most 2 per 3 bytes
            assertThat((long) command.length).isLessThanOrEqualTo(MAX_COMMAND * 2 + MAX_APPEND);
            walk(command);
        }
    }

    /** Reads a command the way the session's command parsers do, choosing each token reader by what comes next. */
    private static void walk(byte[] command) {
        ImapArgs args = new ImapArgs(command);
        try {
            String tag = args.tag();
            assertThat(ImapArgs.isTag(tag)).isTrue();
            args.sp();
            args.atom();
            int tokens = 0;
            while (!args.atEnd()) {
                assertThat(++tokens).isLessThanOrEqualTo(command.length);
                int c = args.peek();
                if (c == '(') {
                    assertThat(args.atomList().size()).isLessThanOrEqualTo(1001);
                } else if (c == '[') {
                    args.expect('[');
                    Section section = Section.parse(args);
                    assertThat(section.label()).isNotNull();
                } else if ((c >= '0' && c <= '9') || c == '*' || c == '$') {
                    args.sequenceSet();
                } else if (c == '\\') {
                    args.flag();
                } else if (args.atString()) {
                    String text = args.nstring();
                    dates(text);
                } else {
                    String word = args.astring();
                    dates(word);
                }
                args.trySp();
            }
            args.end();
        } catch (ImapArgs.Syntax documented) {
            assertThat(documented.getMessage()).isNotEmpty();
        }
    }

    private static void dates(String text) {
        try {
            DateTimes.formatDateTime(DateTimes.parseDateTime(text));
        } catch (ImapArgs.Syntax documented) {
            // BAD
        }
        try {
            DateTimes.parseDate(text);
        } catch (ImapArgs.Syntax documented) {
            // BAD
        }
    }

    /**
     * LIST pattern matching (RFC 9051 6.3.9) terminates on any pattern, and agrees with a regular
     * expression where the matcher's step budget cannot run out.
     */
    @FuzzTest
    void listPatterns(byte[] data) {
        if (data == null) {
            return;
        }
        String both = new String(data, StandardCharsets.UTF_8);
        int split = both.indexOf('\n');
        String pattern = split < 0 ? both : both.substring(0, split);
        String name = split < 0 ? "INBOX/Sub" : both.substring(split + 1);
        boolean matched = ListCommand.matches(pattern, name);
        long wildcards = pattern.chars().filter(c -> c == '*' || c == '%').count();
        if (wildcards <= 2 && name.length() <= 32 && pattern.length() <= 64
                && !pattern.regionMatches(true, 0, "INBOX", 0, 5)) {
            StringBuilder regex = new StringBuilder();
            for (char c : pattern.toCharArray()) {
                regex.append(c == '*' ? ".*" : c == '%' ? "[^/]*" : Pattern.quote(String.valueOf(c)));
            }
            assertThat(matched).as("%s against %s", pattern, name)
                    .isEqualTo(Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(name).matches());
        }
    }
}
