package org.bastionmail.filter;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.bastionmail.smtp.ReceivedMessage;

/**
 * A message as the next content filter sees it: the envelope, the header section as it stands after the
 * checks and filters before (fields added, changed), and the body.
 *
 * @param envelope the SMTP transaction (client, HELO, sender, recipients, account, TLS, queue id)
 * @param hostname this server's host name (the milter macro {@code j})
 * @param header the header section, CRLF-terminated fields without the empty line, octets as ISO-8859-1 characters
 * @param body opens the body (after the empty line) from its start
 */
public record FilterMessage(ReceivedMessage envelope, String hostname, String header, ReceivedMessage.Content body) {
    private static final byte[] CRLF = {'\r', '\n'};

    /** The header fields in order. */
    public List<HeaderField> fields() {
        return EditableHeader.parse(header).stream().map(EditableHeader::field).toList();
    }

    /** The header section as octets. */
    public byte[] headerBytes() {
        return header.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The whole message: header section, empty line, body. */
    public InputStream open() throws IOException {
        return new SequenceInputStream(new ByteArrayInputStream(headerBytes()),
                new SequenceInputStream(new ByteArrayInputStream(CRLF), body.open()));
    }
}
