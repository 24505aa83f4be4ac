package org.bastionmail.mailauth;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.bastionmail.dkim.DkimKeys;
import org.bastionmail.dkim.DkimSigner;
import org.bastionmail.dkim.DkimSigningKey;
import org.bastionmail.io.CarrierOffload;
import org.bastionmail.mail.AddressList;
import org.bastionmail.mail.HeaderSection;
import org.bastionmail.mail.MailAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DKIM-signs submitted mail with the keys of its From: domain ({@code bastion dkim keygen} puts them in
 * the data dir): every key found, so a domain with an Ed25519 and an RSA key gets both signatures.
 * The submission checks have already made sure the user owns the From: address.
 */
public final class SubmissionSigning {
    private static final Logger LOG = LoggerFactory.getLogger(SubmissionSigning.class);

    private final Path dataDir;
    private final Clock clock;

    public SubmissionSigning(Path dataDir, Clock clock) {
        this.dataDir = dataDir;
        this.clock = clock;
    }

    /** The DKIM-Signature fields to put in front of {@code message}, empty when its domain has no key. */
    public String sign(byte[] message) throws IOException {
        Optional<String> domain = fromDomain(message);
        if (domain.isEmpty()) {
            return "";
        }
        List<DkimSigningKey> keys = CarrierOffload.call(() -> DkimKeys.all(dataDir, domain.get()));
        StringBuilder signatures = new StringBuilder();
        for (DkimSigningKey key : keys) {
            signatures.append(new DkimSigner(key, clock).sign(message));
        }
        if (keys.isEmpty()) {
            LOG.debug("no DKIM key for {}: sent unsigned", domain.get());
        }
        return signatures.toString();
    }

    /** Reads the message and signs it. */
    public String sign(InputStream message) throws IOException {
        return sign(message.readAllBytes());
    }

    /** The domain of the single From: mailbox (RFC 6376 5.4: From must be signed, and DMARC aligns with it). */
    static Optional<String> fromDomain(byte[] message) {
        List<String> froms = HeaderSection.parse(headerSection(message)).values("From");
        if (froms.size() != 1) {
            return Optional.empty();
        }
        return AddressList.parse(froms.getFirst())
                .filter(addresses -> addresses.size() == 1)
                .map(addresses -> addresses.getFirst())
                .map(MailAddress::domain);
    }

    /** The bytes up to the empty line that ends the header section (or all of them). */
    static byte[] headerSection(byte[] message) {
        for (int i = 0; i + 3 < message.length; i++) {
            if (message[i] == '\r' && message[i + 1] == '\n' && message[i + 2] == '\r' && message[i + 3] == '\n') {
                return java.util.Arrays.copyOf(message, i + 2);
            }
        }
        return message;
    }
}
