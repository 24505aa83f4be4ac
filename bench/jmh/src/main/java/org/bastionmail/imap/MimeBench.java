package org.bastionmail.imap;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.bastionmail.mail.HeaderSection;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** MIME parsing: the header section reader, and IMAP's body structure of a multipart message. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MimeBench {
    private byte[] header;
    private byte[] message;

    @Setup
    public void setup() {
        StringBuilder h = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            h.append("Received: from relay").append(i).append(".example.net (relay").append(i)
                    .append(".example.net [192.0.2.").append(i).append("])\r\n\tby mx.example.org with ESMTPS id abc")
                    .append(i).append("\r\n\tfor <bob@example.org>; Thu, 26 Nov 2026 10:00:0").append(i).append(" +0000\r\n");
        }
        h.append("From: Alice <alice@example.org>\r\nTo: Bob <bob@example.org>, carol@example.org\r\n"
                + "Subject: =?UTF-8?Q?Caf=C3=A9?= meeting\r\nDate: Thu, 26 Nov 2026 10:00:00 +0000\r\n"
                + "Message-ID: <abc@example.org>\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"outer\"\r\n");
        header = h.toString().getBytes(StandardCharsets.UTF_8);
        StringBuilder m = new StringBuilder(h).append("\r\n--outer\r\n"
                + "Content-Type: multipart/alternative; boundary=\"inner\"\r\n\r\n--inner\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n\r\n");
        m.append("Hello Bob, this is the plain part.\r\n".repeat(40)).append("--inner\r\n"
                + "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n");
        m.append("<p>Hello Bob, this is the html part.</p>\r\n".repeat(40)).append("--inner--\r\n--outer\r\n"
                + "Content-Type: application/pdf; name=\"a.pdf\"\r\nContent-Disposition: attachment; filename=\"a.pdf\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n");
        m.append("JVBERi0xLjQKJcOkw7zDtsOfCjIgMCBvYmoKPDwvTGVuZ3RoIDMgMCBSL0ZpbHRlci9GbGF0ZURlY29kZT4+CnN0cmVhbQp4\r\n"
                .repeat(60)).append("--outer--\r\n");
        message = m.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public HeaderSection headerSection() {
        return HeaderSection.parse(header);
    }

    @Benchmark
    public MimeEntity bodyStructure() {
        return MimeEntity.parse(message);
    }
}
