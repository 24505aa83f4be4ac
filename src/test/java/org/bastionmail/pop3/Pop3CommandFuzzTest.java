package org.bastionmail.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/** Fuzz target for POP3 command lines (RFC 1939 3): splitting never fails and keeps every byte of the arguments. */
class Pop3CommandFuzzTest {

    @FuzzTest
    void commandLines(byte[] data) {
        if (data == null) {
            return;
        }
        String line = new String(data, StandardCharsets.UTF_8);
        Pop3Command command = Pop3Command.parse(line);
        int space = line.indexOf(' ');
        assertThat(command.keyword()).doesNotContain(" ");
        assertThat(command.rest()).isEqualTo(space < 0 ? "" : line.substring(space + 1));
        assertThat(String.join(" ", command.args())).isEqualTo(command.rest());
        if (command.hasArgs(1, 2)) {
            assertThat(command.args()).allMatch(a -> !a.isEmpty() && !a.contains(" "));
        }
    }
}
