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
        Optional<String> domain = FromHeader.singleDomain(message);
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
}
