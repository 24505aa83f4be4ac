package org.bastionmail.smtp;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.bastionmail.config.Config;
import org.bastionmail.net.ClientInput;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/** SMTP command parsing, and DATA reading with dot-unstuffing and the checks of MessageContent. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SmtpBench {
    private static final String[] COMMANDS = {
        "EHLO client.example.org",
        "MAIL FROM:<alice.sender@example.org> SIZE=102400 BODY=8BITMIME",
        "RCPT TO:<bob@bastion.bench> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;bob@bastion.bench",
        "DATA",
        "QUIT",
    };

    @Param({"5120", "102400"})
    int size;

    private byte[] wire;

    /** A socket whose input is a byte array: ClientInput without the network. */
    static final class ArraySocket extends Socket {
        private final InputStream in;

        ArraySocket(byte[] bytes) {
            in = new ByteArrayInputStream(bytes);
        }

        @Override
        public InputStream getInputStream() {
            return in;
        }

        @Override
        public void setSoTimeout(int timeout) {
            // no network, nothing to wait for
        }
    }

    @Setup
    public void setup() {
        StringBuilder text = new StringBuilder("From: <alice@example.org>\r\nTo: <bob@bastion.bench>\r\n"
                + "Subject: benchmark\r\nMessage-ID: <1@example.org>\r\n\r\n");
        int line = 0;
        while (text.length() < size) {
            // one line in ten starts with a dot, stuffed on the wire (RFC 5321 4.5.2)
            text.append(line++ % 10 == 0 ? ".." : "").append("x".repeat(76)).append("\r\n");
        }
        text.append(".\r\n");
        wire = text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Benchmark
    public void parseCommands(Blackhole hole) {
        for (String command : COMMANDS) {
            hole.consume(CommandParser.parse(command));
        }
    }

    @Benchmark
    public long readData() throws IOException {
        SmtpInput in = new SmtpInput(new ClientInput(new ArraySocket(wire), OutputStream.nullOutputStream(),
                Clock.systemUTC(), Duration.ofSeconds(60), Instant.now().plusSeconds(600)));
        MessageContent content = new MessageContent(Config.Limits.defaults(), OutputStream.nullOutputStream(),
                header -> header);
        DataReader.read(in, content);
        content.finish();
        return content.size();
    }
}
