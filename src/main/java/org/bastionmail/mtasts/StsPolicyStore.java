package org.bastionmail.mtasts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.bastionmail.io.CarrierOffload;
import org.bastionmail.io.DurableFiles;
import org.bastionmail.io.PrivateDirectories;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Policies on disk, one JSON file per domain under {@code DATA/mta-sts/}, so that a restart keeps them
 * (RFC 8461 5.1 relies on a cache that outlives a failed refresh). A file is re-parsed when read: a
 * damaged or edited file is ignored, never trusted.
 */
final class StsPolicyStore {
    private static final Logger LOG = LoggerFactory.getLogger(StsPolicyStore.class);
    private static final Pattern DOMAIN = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+");
    private static final long MAX_FILE = 4 * StsPolicyParser.MAX_BYTES;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final ReentrantLock writes = new ReentrantLock();

    StsPolicyStore(Path dataDir) {
        this.dir = dataDir.resolve("mta-sts");
    }

    /** Only A-label domain names become file names: nothing else can reach outside the directory. */
    static boolean storable(String domain) {
        return domain.length() <= 253 && DOMAIN.matcher(domain).matches();
    }

    Optional<CachedPolicy> load(String domain) {
        if (!storable(domain)) {
            return Optional.empty();
        }
        Path file = dir.resolve(domain + ".json");
        try {
            return CarrierOffload.call(() -> read(domain, file));
        } catch (IOException e) {
            LOG.warn("MTA-STS policy file {} unreadable, ignored: {}", file, e.getMessage());
            return Optional.empty();
        }
    }

    private static Optional<CachedPolicy> read(String domain, Path file) throws IOException {
        try {
            if (Files.size(file) > MAX_FILE) {
                throw new IOException("larger than " + MAX_FILE + " bytes");
            }
            JsonNode node = JSON.readTree(Files.readAllBytes(file));
            if (!domain.equals(node.path("domain").asText())) {
                throw new IOException("file is for another domain");
            }
            String id = node.path("id").asText();
            Instant fetched = Instant.parse(node.path("fetched").asText());
            StsPolicy policy = StsPolicy.parse(node.path("policy").asText());
            return Optional.of(new CachedPolicy(domain, id, policy, fetched));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (StsSyntaxException | DateTimeParseException | IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    void save(CachedPolicy cached) {
        if (!storable(cached.domain())) {
            return;
        }
        ObjectNode node = JSON.createObjectNode();
        node.put("domain", cached.domain());
        node.put("id", cached.id());
        node.put("fetched", cached.fetched().toString());
        node.put("policy", cached.policy().text());
        Path file = dir.resolve(cached.domain() + ".json");
        writes.lock();
        try {
            byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node);
            CarrierOffload.call(() -> {
                PrivateDirectories.create(dir);
                DurableFiles.writeAtomically(file, bytes);
                return null;
            });
        } catch (IOException e) {
            // The policy still applies from memory; only a restart would forget it.
            LOG.warn("could not save MTA-STS policy of {}: {}", cached.domain(), e.getMessage());
        } finally {
            writes.unlock();
        }
    }
}
