package org.bastionmail.spf;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz targets for SPF records (RFC 7208 4.5, 12) and macro strings (7): both come from DNS. Documented
 * failures: {@link SpfSyntaxException} while parsing and {@link SpfAbort} (permerror) while expanding.
 */
class SpfRecordsFuzzTest {
    private static final MacroString.Values VALUES = letter -> switch (letter) {
        case 's' -> "strong-bad@email.example.com";
        case 'l' -> "strong-bad";
        case 'o', 'd' -> "email.example.com";
        case 'i' -> "192.0.2.3";
        case 'p' -> "mx.example.org";
        case 'v' -> "in-addr";
        case 'h' -> "helo.example.org";
        case 'c' -> "192.0.2.3";
        case 'r' -> "mx.bastion.example";
        case 't' -> "1700000000";
        default -> throw new SpfAbort(SpfVerdict.PERMERROR, "unknown macro letter " + letter);
    };

    @FuzzTest
    void records(byte[] data) {
        if (data == null) {
            return;
        }
        String txt = new String(data, StandardCharsets.UTF_8);
        try {
            SpfRecord record = SpfRecord.parse(txt);
            assertThat(SpfRecord.isSpfRecord(txt)).isTrue();
            assertThat(record.mechanisms().size()).isLessThanOrEqualTo(txt.length());
            record.redirect().ifPresent(SpfRecordsFuzzTest::expand);
            record.explanation().ifPresent(SpfRecordsFuzzTest::expand);
        } catch (SpfSyntaxException documented) {
            assertThat(documented.getMessage()).isNotEmpty();
        }
    }

    @FuzzTest
    void macros(byte[] data) {
        if (data == null || data.length == 0) {
            return;
        }
        MacroString.Use use = MacroString.Use.values()[(data[0] & 0xff) % MacroString.Use.values().length];
        String text = new String(data, 1, data.length - 1, StandardCharsets.UTF_8);
        try {
            MacroString macro = MacroString.parse(text, use);
            assertThat(macro.text()).isEqualTo(text);
            expand(macro);
        } catch (SpfSyntaxException documented) {
            assertThat(documented.getMessage()).isNotEmpty();
        }
    }

    private static void expand(MacroString macro) {
        try {
            String out = macro.expand(VALUES);
            assertThat(out.length()).isLessThanOrEqualTo(MacroString.MAX_EXPANSION);
        } catch (SpfAbort documented) {
            assertThat(documented.verdict()).isEqualTo(SpfVerdict.PERMERROR);
        }
    }
}
