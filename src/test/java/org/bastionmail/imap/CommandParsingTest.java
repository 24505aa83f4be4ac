package org.bastionmail.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandParsingTest {
    private static ImapArgs args(String wire) {
        return new ImapArgs(wire.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void atomsQuotedStringsAndLiterals() throws Exception {
        ImapArgs a = args("tag LOGIN \"a \\\"q\\\" \\\\ b\" {5}\r\nhello {3+}\r\n\u00e9x");
        assertThat(a.tag()).isEqualTo("tag");
        a.sp();
        assertThat(a.atom()).isEqualTo("LOGIN");
        a.sp();
        assertThat(a.astring()).isEqualTo("a \"q\" \\ b");
        a.sp();
        assertThat(a.astring()).isEqualTo("hello");
        a.sp();
        assertThat(a.astring()).isEqualTo("\u00e9x");
        a.end();
    }

    @Test
    void malformedTokensAreSyntaxErrors() {
        for (String bad : new String[] {"\"unterminated", "\"bad \\escape\"", "{10}\r\nshort", "{x}", "", "(a"}) {
            assertThatThrownBy(() -> args(bad).astring()).as(bad).isInstanceOf(ImapArgs.Syntax.class);
        }
        assertThatThrownBy(() -> ImapArgs.utf8(new byte[] {(byte) 0xff, (byte) 0xfe})).isInstanceOf(ImapArgs.Syntax.class);
        assertThat(ImapArgs.isTag("a+b")).isFalse();
        assertThat(ImapArgs.isTag("A001")).isTrue();
    }

    @Test
    void sequenceSets() throws Exception {
        SequenceSet set = SequenceSet.parse("1:3,7,9:*");
        assertThat(set.contains(2, 20)).isTrue();
        assertThat(set.contains(5, 20)).isFalse();
        assertThat(set.contains(20, 20)).isTrue();
        assertThat(SequenceSet.parse("*:4").contains(6, 8)).isTrue();
        for (String bad : new String[] {"0", "1:0", "a", "1::2", "4294967296", "1,,2", ""}) {
            assertThatThrownBy(() -> SequenceSet.parse(bad)).as(bad).isInstanceOf(ImapArgs.Syntax.class);
        }
        assertThat(SequenceSet.format(List.of(1L, 2L, 3L, 5L, 7L, 8L))).isEqualTo("1:3,5,7:8");
    }

    @Test
    void listPatterns() {
        assertThat(ListCommand.matches("*", "a/b/c")).isTrue();
        assertThat(ListCommand.matches("%", "a/b")).isFalse();
        assertThat(ListCommand.matches("a/%", "a/b")).isTrue();
        assertThat(ListCommand.matches("inbox", "INBOX")).isTrue();
        assertThat(ListCommand.matches("%*%*%*%*%*%*%*%*%*%*%*%*x", "a".repeat(200))).isFalse();
    }
}
