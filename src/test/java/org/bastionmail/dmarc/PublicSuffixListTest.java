package org.bastionmail.dmarc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PublicSuffixListTest {
    private static final PublicSuffixList BUNDLED = PublicSuffixList.bundled();

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "example.com, example.com",
        "mail.example.com, example.com",
        "a.b.c.example.com, example.com",
        "EXAMPLE.COM., example.com",
        "com, com",
        "example.co.uk, example.co.uk",
        "mail.example.co.uk, example.co.uk",
        "co.uk, co.uk",
        // wildcard rule *.ck with exception !www.ck
        "www.ck, www.ck",
        "www.www.ck, www.ck",
        "example.other.ck, example.other.ck",
        "a.example.other.ck, example.other.ck",
        // unlisted TLD: the implicit * rule
        "mail.example.invalidtld, example.invalidtld",
        // IDN, both forms
        "www.食狮.公司.cn, 食狮.公司.cn",
        "www.xn--85x722f.xn--55qx5d.cn, 食狮.公司.cn",
        // a private-section suffix
        "alice.github.io, alice.github.io",
    })
    void organizationalDomains(String domain, String expected) {
        assertThat(BUNDLED.organizationalDomain(domain)).isEqualTo(expected);
    }

    @Test
    void rulesFollowTheListAlgorithm() throws IOException {
        PublicSuffixList list = PublicSuffixList.parse(new ByteArrayInputStream("""
                // comment
                com
                *.jp
                !city.kobe.jp
                *.kobe.jp
                """.getBytes(StandardCharsets.UTF_8)));
        assertThat(list.publicSuffix("example.com")).isEqualTo("com");
        assertThat(list.publicSuffix("a.b.example.jp")).isEqualTo("example.jp");
        assertThat(list.publicSuffix("c.kobe.jp")).isEqualTo("c.kobe.jp");
        assertThat(list.publicSuffix("www.city.kobe.jp")).isEqualTo("kobe.jp");
        assertThat(list.organizationalDomain("www.city.kobe.jp")).isEqualTo("city.kobe.jp");
        assertThat(list.publicSuffix("example.unknown")).isEqualTo("unknown");
    }

    @Test
    void anEmptyListIsRefused() {
        assertThatThrownBy(() -> PublicSuffixList.parse(new ByteArrayInputStream("// nothing\n".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(IOException.class).hasMessageContaining("empty");
    }
}
