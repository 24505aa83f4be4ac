package org.bastionmail.mailauth;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.bastionmail.mail.AddressList;
import org.bastionmail.mail.HeaderSection;
import org.bastionmail.mail.MailAddress;

/** The RFC5322.From identity DKIM signing and DMARC work with. */
final class FromHeader {
    private FromHeader() {}

    /**
     * The domain of the message's single From: mailbox. RFC 7489 6.6.1: a message with no From:, several
     * From: fields or several mailboxes in one has no single author domain; DMARC then cannot be applied.
     */
    static Optional<String> singleDomain(byte[] message) {
        List<String> froms = HeaderSection.parse(headerSection(message)).values("From");
        if (froms.size() != 1) {
            return Optional.empty();
        }
        return AddressList.parse(froms.getFirst())
                .filter(addresses -> addresses.size() == 1)
                .map(List::getFirst)
                .map(MailAddress::domain);
    }

    /** The bytes up to the empty line that ends the header section (or all of them). */
    static byte[] headerSection(byte[] message) {
        for (int i = 0; i + 3 < message.length; i++) {
            if (message[i] == '\r' && message[i + 1] == '\n' && message[i + 2] == '\r' && message[i + 3] == '\n') {
                return Arrays.copyOf(message, i + 2);
            }
        }
        return message;
    }
}
