package org.bastionmail.delivery;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.Locale;
import org.bastionmail.mail.HeaderSection;

/** The {@code TLS-Required: No} header field (RFC 8689 5), by which a sender lets TLS policies be ignored. */
final class TlsRequiredField {
    /** The header section is read up to this many bytes; the field is near the top in practice. */
    private static final int MAX_HEADER = 256 * 1024;

    private TlsRequiredField() {}

    static boolean saysNo(OutboundTransport.Message message) {
        try (InputStream in = Files.newInputStream(message.content())) {
            return saysNo(headerSection(in));
        } catch (IOException e) {
            return false;
        }
    }

    static boolean saysNo(byte[] headerSection) {
        return HeaderSection.parse(headerSection).values("TLS-Required").stream()
                .anyMatch(value -> value.strip().toLowerCase(Locale.ROOT).equals("no"));
    }

    private static byte[] headerSection(InputStream in) throws IOException {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        int previous3 = -1;
        int previous2 = -1;
        int previous = -1;
        for (int b = in.read(); b != -1 && header.size() < MAX_HEADER; b = in.read()) {
            header.write(b);
            if (previous3 == '\r' && previous2 == '\n' && previous == '\r' && b == '\n') {
                break;
            }
            previous3 = previous2;
            previous2 = previous;
            previous = b;
        }
        return header.toByteArray();
    }
}
