package org.bastionmail.directory;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes (RFC 9106) in the PHC string format
 * {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>} (base64 without padding).
 *
 * <p>Parameters follow the OWASP minimum for Argon2id (19 MiB, 2 passes, 1 lane). Stored hashes keep
 * their own parameters, so raising these later does not lock anyone out.
 */
final class PasswordHash {
    static final int MEMORY_KIB = 19 * 1024;
    static final int ITERATIONS = 2;
    static final int PARALLELISM = 1;
    static final int SALT_BYTES = 16;
    static final int HASH_BYTES = 32;

    // Bounds on what we accept from the database, so a corrupted row cannot make us allocate gigabytes.
    private static final int MAX_MEMORY_KIB = 1024 * 1024;
    private static final int MAX_ITERATIONS = 64;
    private static final int MAX_PARALLELISM = 16;

    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,8}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]{11,88})\\$([A-Za-z0-9+/]{22,88})");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A hash of a random password: verified against when there is no user, so the work is the same. */
    private final String dummy;

    PasswordHash() {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        dummy = hash(random);
    }

    /** Hashes {@code password} with a fresh salt. */
    String hash(byte[] password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] out = argon2(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM + "$"
                + b64.encodeToString(salt) + "$" + b64.encodeToString(out);
    }

    /** Whether {@code password} matches {@code phc}; an unusable stored string never matches. */
    boolean verify(String phc, byte[] password) {
        Optional<Parsed> parsed = parse(phc);
        if (parsed.isEmpty()) {
            verifyDummy(password);
            return false;
        }
        Parsed p = parsed.get();
        byte[] actual = argon2(password, p.salt, p.memoryKib, p.iterations, p.parallelism, p.hash.length);
        boolean equal = MessageDigest.isEqual(actual, p.hash);
        Arrays.fill(actual, (byte) 0);
        return equal;
    }

    /** Does the work of a verification whose answer is always no (unknown user, no password set). */
    void verifyDummy(byte[] password) {
        Parsed p = parse(dummy).orElseThrow();
        argon2(password, p.salt, p.memoryKib, p.iterations, p.parallelism, p.hash.length);
    }

    static boolean isWellFormed(String phc) {
        return parse(phc).isPresent();
    }

    private record Parsed(int memoryKib, int iterations, int parallelism, byte[] salt, byte[] hash) {}

    private static Optional<Parsed> parse(String phc) {
        Matcher m = PHC.matcher(phc);
        if (!m.matches()) {
            return Optional.empty();
        }
        int memory = Integer.parseInt(m.group(1));
        int iterations = Integer.parseInt(m.group(2));
        int parallelism = Integer.parseInt(m.group(3));
        if (memory < 8 * parallelism || memory > MAX_MEMORY_KIB || iterations < 1 || iterations > MAX_ITERATIONS
                || parallelism < 1 || parallelism > MAX_PARALLELISM) {
            return Optional.empty();
        }
        try {
            byte[] salt = Base64.getDecoder().decode(m.group(4));
            byte[] hash = Base64.getDecoder().decode(m.group(5));
            if (salt.length < 8 || hash.length < 16) {
                return Optional.empty();
            }
            return Optional.of(new Parsed(memory, iterations, parallelism, salt, hash));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static byte[] argon2(byte[] password, byte[] salt, int memoryKib, int iterations, int parallelism, int length) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .withSalt(salt)
                .build());
        byte[] out = new byte[length];
        generator.generateBytes(password, out);
        return out;
    }
}
