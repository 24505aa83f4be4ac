package org.bastionmail.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.bastionmail.fuzz.ReplaySocket;
import org.junit.jupiter.api.Test;

class ClientInputTest {
    private final HandClock clock = new HandClock(Instant.parse("2026-01-01T00:00:00Z"));

    private ClientInput input(String wire, OutputStream flush, Duration sessionLeft) throws IOException {
        return new ClientInput(new ReplaySocket(wire.getBytes(StandardCharsets.US_ASCII)), flush, clock,
                Duration.ofSeconds(5), clock.instant().plus(sessionLeft));
    }

    @Test
    void pipelinedBytesAreVisibleInTheBuffer() throws IOException {
        // CVE-2011-0411: after STARTTLS the session must see plaintext that already arrived
        ClientInput in = input("STARTTLS\r\nMAIL", OutputStream.nullOutputStream(), Duration.ofHours(1));
        assertThat(in.hasBuffered()).isFalse();
        for (int i = 0; i < "STARTTLS\r\n".length(); i++) {
            in.read();
        }
        assertThat(in.hasBuffered()).isTrue();
        byte[] rest = new byte[16];
        assertThat(in.read(rest, 0, rest.length)).isEqualTo(4);
        assertThat(in.hasBuffered()).isFalse();
        assertThatThrownBy(in::read).isInstanceOf(EOFException.class);
    }

    @Test
    void repliesAreFlushedBeforeAReadBlocks() throws IOException {
        int[] flushes = {0};
        OutputStream out = new ByteArrayOutputStream() {
            @Override
            public void flush() {
                flushes[0]++;
            }
        };
        ClientInput in = input("ab", out, Duration.ofHours(1));
        in.read();
        in.read(); // from the buffer: no flush
        assertThat(flushes[0]).isEqualTo(1);
    }

    @Test
    void noReadAfterTheSessionDeadline() throws IOException {
        ClientInput in = input("QUIT\r\n", OutputStream.nullOutputStream(), Duration.ofMinutes(1));
        clock.advance(Duration.ofMinutes(1));
        assertThatThrownBy(in::read).isInstanceOf(ClientInput.SessionTimeout.class);
    }
}
