package org.bastionmail.dkim;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/**
 * Key storage for DKIM signing keys: {@code <dataDir>/dkim/<domain>/<selector>.<ed25519|rsa>.pem}, a PKCS#8
 * PEM file readable by its owner only (0600, in 0700 directories).
 */
public final class DkimKeys {
    /** RSA keys Bastion generates: RFC 8301 3.2 asks signers for at least 1024 bits, 2048 is the usual today. */
    public static final int RSA_BITS = 2048;

    private DkimKeys() {}

    /** Where the key for this domain, selector and algorithm is stored. */
    public static Path keyFile(Path dataDir, String domain, String selector, DkimAlgorithm algorithm) {
        String d = DkimSigningKey.checkName(domain, "domain").toLowerCase(java.util.Locale.ROOT);
        String s = DkimSigningKey.checkName(selector, "selector");
        return dataDir.resolve("dkim").resolve(d).resolve(s + "." + algorithm.keyType() + ".pem");
    }

    /** A fresh key pair, not stored. */
    public static DkimSigningKey generate(String domain, String selector, DkimAlgorithm algorithm) {
        try {
            KeyPairGenerator generator;
            if (algorithm == DkimAlgorithm.ED25519_SHA256) {
                generator = KeyPairGenerator.getInstance("Ed25519");
            } else {
                generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(RSA_BITS);
            }
            KeyPair pair = generator.generateKeyPair();
            return new DkimSigningKey(domain, selector, algorithm, pair.getPrivate(), pair.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot generate " + algorithm.keyType() + " keys", e);
        }
    }

    /**
     * Generates a key pair and stores its private key; never overwrites an existing key.
     *
     * @throws FileAlreadyExistsException if a key is already stored for this domain, selector and algorithm
     */
    public static DkimSigningKey generate(Path dataDir, String domain, String selector, DkimAlgorithm algorithm)
            throws IOException {
        Path file = keyFile(dataDir, domain, selector, algorithm);
        DkimSigningKey key = generate(domain, selector, algorithm);
        var dirPermissions = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
        Files.createDirectories(file.getParent(), dirPermissions);
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.privateKey().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        // Created 0600 from the start, so the key is never readable by others, not even briefly
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, pem, StandardCharsets.US_ASCII, StandardOpenOption.WRITE);
        return key;
    }

    /**
     * Every key stored for {@code domain}, ordered by selector and with Ed25519 before RSA, so that a
     * domain with both gets both signatures (RFC 8463 5 suggests signing with both during the transition).
     * An invalid domain name, or one without a key folder, has none.
     */
    public static java.util.List<DkimSigningKey> all(Path dataDir, String domain) throws IOException {
        Path folder;
        try {
            folder = keyFile(dataDir, domain, "x", DkimAlgorithm.RSA_SHA256).getParent();
        } catch (IllegalArgumentException notADomain) {
            return java.util.List.of();
        }
        if (!Files.isDirectory(folder)) {
            return java.util.List.of();
        }
        java.util.List<DkimSigningKey> keys = new java.util.ArrayList<>();
        try (var files = Files.list(folder)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                for (DkimAlgorithm algorithm : DkimAlgorithm.values()) {
                    String suffix = "." + algorithm.keyType() + ".pem";
                    if (name.endsWith(suffix) && name.length() > suffix.length()) {
                        keys.add(read(file, domain, name.substring(0, name.length() - suffix.length()), algorithm));
                    }
                }
            }
        }
        keys.sort(java.util.Comparator.comparing(DkimSigningKey::selector)
                .thenComparing(k -> k.algorithm() == DkimAlgorithm.ED25519_SHA256 ? 0 : 1));
        return keys;
    }

    /** Loads the stored key for this domain, selector and algorithm. */
    public static DkimSigningKey load(Path dataDir, String domain, String selector, DkimAlgorithm algorithm)
            throws IOException {
        return read(keyFile(dataDir, domain, selector, algorithm), domain, selector, algorithm);
    }

    /**
     * Reads a PEM private key: PKCS#8 ({@code PRIVATE KEY}) for either algorithm, or PKCS#1
     * ({@code RSA PRIVATE KEY}) for RSA keys made by other tools.
     */
    public static DkimSigningKey read(Path pemFile, String domain, String selector, DkimAlgorithm algorithm)
            throws IOException {
        String pem = Files.readString(pemFile, StandardCharsets.US_ASCII);
        try {
            PrivateKey privateKey;
            if (pem.contains("-----BEGIN RSA PRIVATE KEY-----") && algorithm == DkimAlgorithm.RSA_SHA256) {
                var k = org.bouncycastle.asn1.pkcs.RSAPrivateKey.getInstance(pemBody(pem, "RSA PRIVATE KEY"));
                privateKey = KeyFactory.getInstance("RSA").generatePrivate(new RSAPrivateCrtKeySpec(k.getModulus(),
                        k.getPublicExponent(), k.getPrivateExponent(), k.getPrime1(), k.getPrime2(),
                        k.getExponent1(), k.getExponent2(), k.getCoefficient()));
            } else {
                String type = algorithm == DkimAlgorithm.ED25519_SHA256 ? "Ed25519" : "RSA";
                privateKey = KeyFactory.getInstance(type)
                        .generatePrivate(new PKCS8EncodedKeySpec(pemBody(pem, "PRIVATE KEY")));
            }
            return new DkimSigningKey(domain, selector, algorithm, privateKey, publicKeyOf(privateKey));
        } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
            throw new IOException("not a usable " + algorithm.keyType() + " private key: " + pemFile, e);
        }
    }

    private static PublicKey publicKeyOf(PrivateKey privateKey) throws GeneralSecurityException {
        if (privateKey instanceof RSAPrivateCrtKey rsa) {
            BigInteger modulus = rsa.getModulus();
            return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(modulus, rsa.getPublicExponent()));
        }
        if (privateKey instanceof EdECPrivateKey ed) {
            // The JDK does not derive an Ed25519 public key from the private one; Bouncy Castle does (RFC 8032 5.1.5)
            byte[] seed = ed.getBytes().orElseThrow(() -> new GeneralSecurityException("Ed25519 key without its seed"));
            byte[] raw = new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded();
            return KeyRecord.ed25519PublicKey(raw);
        }
        throw new GeneralSecurityException("unsupported private key type " + privateKey.getAlgorithm());
    }

    private static byte[] pemBody(String pem, String label) {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int b = pem.indexOf(begin);
        int e = pem.indexOf(end);
        if (b < 0 || e < b) {
            throw new IllegalArgumentException("no " + label + " PEM block");
        }
        return Base64.getMimeDecoder().decode(pem.substring(b + begin.length(), e));
    }
}
