package org.bastionmail.sasl;

/**
 * What the server keeps for SCRAM-SHA-256 (RFC 5802 3): never the password, only the salted keys.
 *
 * @param account canonical account name
 * @param salt random salt
 * @param iterations PBKDF2 iteration count (RFC 7677 asks for at least 4096)
 * @param storedKey H(ClientKey)
 * @param serverKey HMAC(SaltedPassword, "Server Key")
 */
public record ScramCredentials(String account, byte[] salt, int iterations, byte[] storedKey, byte[] serverKey) {}
