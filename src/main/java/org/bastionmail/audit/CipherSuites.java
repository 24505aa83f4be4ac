package org.bastionmail.audit;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The cipher suites the scan offers (IANA TLS Cipher Suites registry), with what makes each weak. The list
 * covers what servers actually deploy, good and bad; a suite a server picks that is not listed here is
 * reported by its code.
 */
final class CipherSuites {
    /** Why a suite is a problem, worst first; {@code NONE} for forward-secret AEAD suites. */
    enum Weakness {
        /** NULL, export, anonymous, RC4 (RFC 7465), DES and 3DES (64-bit blocks, SWEET32), IDEA, MD5 MACs. */
        BROKEN,
        /** Static RSA key exchange: recorded traffic can be decrypted once the key leaks. */
        NO_FORWARD_SECRECY,
        /** CBC with HMAC (MAC-then-encrypt: Lucky13 and POODLE-style padding oracles). */
        CBC,
        NONE
    }

    record Suite(int code, String name) {
        Weakness weakness() {
            String n = name;
            if (n.contains("NULL") || n.contains("EXPORT") || n.contains("anon") || n.contains("RC4") || n.contains("DES")
                    || n.contains("IDEA") || n.endsWith("MD5")) {
                return Weakness.BROKEN;
            }
            if (n.startsWith("TLS_RSA_")) {
                return Weakness.NO_FORWARD_SECRECY;
            }
            return n.contains("CBC") ? Weakness.CBC : Weakness.NONE;
        }

        boolean tls13() {
            return (code & 0xff00) == 0x1300;
        }
    }

    static final List<Suite> TLS13 = List.of(
            new Suite(0x1301, "TLS_AES_128_GCM_SHA256"), new Suite(0x1302, "TLS_AES_256_GCM_SHA384"),
            new Suite(0x1303, "TLS_CHACHA20_POLY1305_SHA256"));

    /** Suites for TLS 1.2 and below; the scan offers the CBC/stream ones to TLS 1.0/1.1 too (a server answers with what it has). */
    static final List<Suite> LEGACY = List.of(
            new Suite(0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"), new Suite(0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"),
            new Suite(0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"), new Suite(0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
            new Suite(0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"), new Suite(0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"),
            new Suite(0x009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"), new Suite(0x009F, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"),
            new Suite(0xCCAA, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
            new Suite(0xC009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"), new Suite(0xC00A, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"),
            new Suite(0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"), new Suite(0xC014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"),
            new Suite(0xC023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"), new Suite(0xC024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"),
            new Suite(0xC027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"), new Suite(0xC028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"),
            new Suite(0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA"), new Suite(0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA"),
            new Suite(0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256"), new Suite(0x006B, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256"),
            new Suite(0x0045, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA"), new Suite(0x0088, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA"),
            new Suite(0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256"), new Suite(0x009D, "TLS_RSA_WITH_AES_256_GCM_SHA384"),
            new Suite(0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA"), new Suite(0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA"),
            new Suite(0x003C, "TLS_RSA_WITH_AES_128_CBC_SHA256"), new Suite(0x003D, "TLS_RSA_WITH_AES_256_CBC_SHA256"),
            new Suite(0x0041, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA"), new Suite(0x0084, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA"),
            new Suite(0x0096, "TLS_RSA_WITH_SEED_CBC_SHA"), new Suite(0x0007, "TLS_RSA_WITH_IDEA_CBC_SHA"),
            new Suite(0x000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA"), new Suite(0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA"),
            new Suite(0xC012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA"), new Suite(0xC008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA"),
            new Suite(0x0005, "TLS_RSA_WITH_RC4_128_SHA"), new Suite(0x0004, "TLS_RSA_WITH_RC4_128_MD5"),
            new Suite(0xC011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA"), new Suite(0xC007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA"),
            new Suite(0x0009, "TLS_RSA_WITH_DES_CBC_SHA"), new Suite(0x0015, "TLS_DHE_RSA_WITH_DES_CBC_SHA"),
            new Suite(0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5"), new Suite(0x0006, "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5"),
            new Suite(0x0008, "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA"), new Suite(0x0014, "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA"),
            new Suite(0x0001, "TLS_RSA_WITH_NULL_MD5"), new Suite(0x0002, "TLS_RSA_WITH_NULL_SHA"),
            new Suite(0x003B, "TLS_RSA_WITH_NULL_SHA256"), new Suite(0xC010, "TLS_ECDHE_RSA_WITH_NULL_SHA"),
            new Suite(0xC006, "TLS_ECDHE_ECDSA_WITH_NULL_SHA"),
            new Suite(0x0018, "TLS_DH_anon_WITH_RC4_128_MD5"), new Suite(0x001B, "TLS_DH_anon_WITH_3DES_EDE_CBC_SHA"),
            new Suite(0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA"), new Suite(0x003A, "TLS_DH_anon_WITH_AES_256_CBC_SHA"),
            new Suite(0x006C, "TLS_DH_anon_WITH_AES_128_CBC_SHA256"), new Suite(0x006D, "TLS_DH_anon_WITH_AES_256_CBC_SHA256"),
            new Suite(0x00A6, "TLS_DH_anon_WITH_AES_128_GCM_SHA256"), new Suite(0x00A7, "TLS_DH_anon_WITH_AES_256_GCM_SHA384"),
            new Suite(0xC018, "TLS_ECDH_anon_WITH_AES_128_CBC_SHA"), new Suite(0xC019, "TLS_ECDH_anon_WITH_AES_256_CBC_SHA"),
            new Suite(0xC017, "TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA"), new Suite(0xC016, "TLS_ECDH_anon_WITH_RC4_128_SHA"),
            new Suite(0xC015, "TLS_ECDH_anon_WITH_NULL_SHA"));

    private static final Map<Integer, Suite> BY_CODE = java.util.stream.Stream.concat(TLS13.stream(), LEGACY.stream())
            .collect(Collectors.toUnmodifiableMap(Suite::code, Function.identity()));

    private CipherSuites() {}

    /** The suite with this code; an unlisted one gets a name made of its code and counts as unknown (not weak). */
    static Suite of(int code) {
        return Optional.ofNullable(BY_CODE.get(code))
                .orElseGet(() -> new Suite(code, "UNKNOWN_0x" + String.format(Locale.ROOT, "%04X", code)));
    }
}
