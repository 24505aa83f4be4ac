package org.bastionmail.sasl;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Derives what the server stores for SCRAM-SHA-256 from a password (RFC 5802 3, RFC 7677). */
public final class ScramKeys {
    /** RFC 7677 4 asks for at least 4096; the server never pays this cost, the client does. */
    public static final int DEFAULT_ITERATIONS = 10_000;
    static final int MIN_ITERATIONS = 4096;
    static final int MAX_ITERATIONS = 1_000_000;
    static final int SALT_BYTES = 16;

    private static final SecureRandom RANDOM = new SecureRandom();

    private ScramKeys() {}

    /** Derives keys with a fresh random salt and {@link #DEFAULT_ITERATIONS}. */
    public static ScramCredentials derive(String account, char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return derive(account, password, salt, DEFAULT_ITERATIONS);
    }

    /**
     * Derives keys with the given salt and iteration count. The password is prepared with SASLprep
     * (RFC 5802 2.2 Normalize), as clients do before hashing.
     *
     * @throws IllegalArgumentException if the password is empty or holds control characters, or the
     *     iteration count is out of range
     */
    public static ScramCredentials derive(String account, char[] password, byte[] salt, int iterations) {
        if (password.length == 0) {
            throw new IllegalArgumentException("password must not be empty");
        }
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("SCRAM iterations must be between " + MIN_ITERATIONS + " and "
                    + MAX_ITERATIONS);
        }
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(SaslPrep.prepare(CharBuffer.wrap(password))));
        byte[] prepared = new byte[encoded.remaining()];
        encoded.get(prepared);
        if (encoded.hasArray()) {
            Arrays.fill(encoded.array(), (byte) 0);
        }
        if (prepared.length == 0) {
            throw new IllegalArgumentException("password is empty once prepared (SASLprep)");
        }
        byte[] salted = hi(prepared, salt, iterations);
        Arrays.fill(prepared, (byte) 0);
        byte[] clientKey = hmac(salted, "Client Key".getBytes(StandardCharsets.US_ASCII));
        byte[] serverKey = hmac(salted, "Server Key".getBytes(StandardCharsets.US_ASCII));
        byte[] storedKey = sha256(clientKey);
        Arrays.fill(salted, (byte) 0);
        Arrays.fill(clientKey, (byte) 0);
        return new ScramCredentials(account, salt.clone(), iterations, storedKey, serverKey);
    }

    /** Hi(str, salt, i) of RFC 5802 2.2: PBKDF2 with HMAC-SHA-256 and one output block. */
    static byte[] hi(byte[] password, byte[] salt, int iterations) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(password, "HmacSHA256"));
            mac.update(salt);
            byte[] u = mac.doFinal(new byte[] {0, 0, 0, 1});
            byte[] result = u.clone();
            for (int i = 1; i < iterations; i++) {
                u = mac.doFinal(u);
                for (int j = 0; j < result.length; j++) {
                    result[j] ^= u[j];
                }
            }
            return result;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
