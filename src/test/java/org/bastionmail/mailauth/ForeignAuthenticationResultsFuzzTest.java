package org.bastionmail.mailauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bastionmail.mail.HeaderSection;

/**
 * Fuzz target for the removal of forged Authentication-Results fields (RFC 8601 5). Properties: no field
 * left claims our authserv-id as a downstream reader ({@link HeaderSection}) sees it; the output is the
 * input with whole fields removed, nothing else changed; stripping twice changes nothing more.
 */
class ForeignAuthenticationResultsFuzzTest {
    private static final String OURS = "mx.bastion.example";

    @FuzzTest
    void strip(byte[] message) {
        if (message == null) {
            return;
        }
        byte[] out = ForeignAuthenticationResults.strip(message, OURS);
        assertThat(ForeignAuthenticationResults.strip(out, OURS)).isEqualTo(out);
        assertThat(isSubsequenceOfFields(message, out)).as("only whole fields removed").isTrue();

        String text = new String(out, StandardCharsets.ISO_8859_1);
        if (!crlfOnly(text)) {
            return; // what reaches the stripper went through the DATA checks: CRLF line ends only
        }
        // the header section ends at the first empty line, which may be the very first line
        int end = text.startsWith("\r\n") ? -2 : text.indexOf("\r\n\r\n");
        String section = end == -1 ? text : text.substring(0, end + 2);
        HeaderSection header = HeaderSection.parse(section.getBytes(StandardCharsets.ISO_8859_1));
        for (String value : header.values("Authentication-Results")) {
            ForeignAuthenticationResults.authservId(value).ifPresent(id ->
                    assertThat(id.strip().toLowerCase(Locale.ROOT).replaceAll("\\.$", ""))
                            .as("kept: %s", value).isNotEqualTo(OURS));
        }
    }

    private static boolean crlfOnly(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c == '\r' && (i + 1 >= s.length() || s.charAt(i + 1) != '\n')) || (c == '\n' && (i == 0 || s.charAt(i - 1) != '\r'))) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code out} is {@code in} with some of its header fields (first line plus continuations) left out. */
    private static boolean isSubsequenceOfFields(byte[] in, byte[] out) {
        // the offsets of out reachable by keeping some of the pieces so far (identical pieces make a
        // greedy match wrong, so every choice is followed)
        java.util.BitSet reachable = new java.util.BitSet(out.length + 1);
        reachable.set(0);
        for (byte[] piece : fields(in)) {
            java.util.BitSet next = (java.util.BitSet) reachable.clone();
            for (int o = reachable.nextSetBit(0); o >= 0; o = reachable.nextSetBit(o + 1)) {
                if (o + piece.length <= out.length
                        && java.util.Arrays.equals(out, o, o + piece.length, piece, 0, piece.length)) {
                    next.set(o + piece.length);
                }
            }
            reachable = next;
        }
        return reachable.get(out.length);
    }

    /** The header fields of a message, then its body as one piece; lines end at LF. */
    private static List<byte[]> fields(byte[] in) {
        List<byte[]> pieces = new ArrayList<>();
        int pos = 0;
        while (pos < in.length) {
            int end = lineEnd(in, pos);
            if (end - pos == 1 && in[pos] == '\n' || end - pos == 2 && in[pos] == '\r' && in[pos + 1] == '\n') {
                pieces.add(java.util.Arrays.copyOfRange(in, pos, in.length));
                break;
            }
            while (end < in.length && (in[end] == ' ' || in[end] == '\t')) {
                end = lineEnd(in, end);
            }
            pieces.add(java.util.Arrays.copyOfRange(in, pos, end));
            pos = end;
        }
        return pieces;
    }

    private static int lineEnd(byte[] in, int from) {
        for (int i = from; i < in.length; i++) {
            if (in[i] == '\n') {
                return i + 1;
            }
        }
        return in.length;
    }
}
