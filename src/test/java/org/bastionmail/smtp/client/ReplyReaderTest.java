package org.bastionmail.smtp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReplyReaderTest {
    private static SmtpReply read(String wire) throws IOException {
        return new ReplyReader(new ByteArrayInputStream(wire.getBytes(StandardCharsets.UTF_8)), 512, 5).read();
    }

    @Test
    void multiLineWithEnhancedCodes() throws IOException {
        SmtpReply reply = read("550-5.1.1 No such user\r\n550-5.1.1 here, really\r\n550 5.1.1 bye\r\n");
        assertThat(reply).isEqualTo(new SmtpReply(550, Optional.of("5.1.1"), List.of("No such user", "here, really", "bye"), false));
        assertThat(reply.permanentFailure()).isTrue();
        assertThat(reply.toString()).isEqualTo("550 5.1.1 No such user here, really bye");
    }

    @Test
    void codeAloneAndNoEnhancedCode() throws IOException {
        assertThat(read("250\r\n")).isEqualTo(new SmtpReply(250, Optional.empty(), List.of(""), false));
        assertThat(read("421 closing\r\n").status()).isEqualTo("4.0.0");
        // an enhanced code whose class disagrees with the reply code is only text (RFC 2034 4)
        assertThat(read("250 5.1.1 odd\r\n").enhancedCode()).isEmpty();
    }

    @Test
    void utf8TextIsKept() throws IOException {
        assertThat(read("250 2.0.0 Grüße\r\n").text()).isEqualTo("Grüße");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "hello\r\n", "25\r\n", "250x\r\n", "650 no\r\n", "260 no\r\n", "2a0 no\r\n",
        "250-a\r\n251 b\r\n", "250 bare lf\n", "250 bare\rcr\r\n", "250 nul\u0000\r\n"})
    void malformedRepliesAreRefused(String wire) {
        assertThatThrownBy(() -> read(wire)).isInstanceOf(ReplyReader.ProtocolException.class);
    }

    @Test
    void lineAndLineCountLimits() {
        assertThatThrownBy(() -> read("250 " + "x".repeat(600) + "\r\n")).isInstanceOf(ReplyReader.ProtocolException.class)
                .hasMessageContaining("longer than 512");
        assertThatThrownBy(() -> read("250-a\r\n".repeat(10) + "250 b\r\n")).isInstanceOf(ReplyReader.ProtocolException.class)
                .hasMessageContaining("more than 5 lines");
        assertThatThrownBy(() -> read("250-a\r\n250-")).isInstanceOf(EOFException.class);
    }
}
