package org.bastionmail.audit;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Asks the server, after STARTTLS, to agree to an obsolete protocol version or a weak cipher with a hand-built
 * ClientHello (RFC 5246 7.4.1.2) and reads only its ServerHello: the JDK refuses to even offer TLS 1.0/1.1 or
 * these ciphers (jdk.tls.disabledAlgorithms), and no handshake is completed, so nothing depends on them.
 */
final class TlsVersionProbe {
    private static final int HANDSHAKE = 22;
    private static final int ALERT = 21;
    private static final int SERVER_HELLO = 2;

    /** Ordinary TLS 1.0-era suites (ECDHE/RSA with AES-CBC): a server that accepts the version picks one. */
    private static final int[] LEGACY_SUITES = {0xC013, 0xC014, 0xC009, 0xC00A, 0x002F, 0x0035, 0x0033, 0x0039, 0x000A};
    /** RC4, 3DES, export, NULL and anonymous suites (RFC 7465, RFC 8996 context, SWEET32). */
    private static final int[] WEAK_SUITES = {0x0005, 0x0004, 0xC011, 0xC007, 0x000A, 0xC012, 0xC008, 0x0016,
        0x0003, 0x0006, 0x0008, 0x0014, 0x0001, 0x0002, 0x003B, 0x0018, 0x001B, 0x0034, 0xC018, 0xC017};

    private final AuditSettings settings;
    private final SmtpTarget target;

    TlsVersionProbe(AuditSettings settings, SmtpTarget target) {
        this.settings = settings;
        this.target = target;
    }

    sealed interface Answer {}

    record Accepted(int version, int cipher) implements Answer {}

    record Refused(String how) implements Answer {}

    void run(List<Finding> findings) {
        for (var probe : List.of(new Object[] {"TLS 1.0", 0x0301}, new Object[] {"TLS 1.1", 0x0302})) {
            String name = (String) probe[0];
            int version = (Integer) probe[1];
            attempt(version, LEGACY_SUITES).ifPresent(answer -> {
                if (answer instanceof Accepted a && a.version() == version) {
                    findings.add(new Finding("tls.protocol." + name.replace(" ", "").toLowerCase(java.util.Locale.ROOT), Severity.MEDIUM,
                            target.label(), name + " is accepted (RFC 8996 deprecates it)",
                            "C: ClientHello " + name + "\nS: ServerHello version " + hex(a.version()) + " cipher " + hex(a.cipher()),
                            "Accept TLS 1.2 and 1.3 only (e.g. smtpd_tls_protocols = >=TLSv1.2 in Postfix)."));
                }
            });
        }
        attempt(0x0303, WEAK_SUITES).ifPresent(answer -> {
            if (answer instanceof Accepted a) {
                findings.add(new Finding("tls.cipher.weak", Severity.MEDIUM, target.label(),
                        "A weak cipher suite (RC4, 3DES, export, NULL or anonymous) is accepted",
                        "C: ClientHello TLS 1.2 offering only weak suites\nS: ServerHello cipher " + hex(a.cipher()),
                        "Disable RC4, 3DES, export, NULL and anonymous suites (e.g. smtpd_tls_exclude_ciphers in Postfix)."));
            }
        });
    }

    /** Empty when the probe could not be made (no STARTTLS, connection failure): nothing is concluded then. */
    Optional<Answer> attempt(int version, int[] suites) {
        try (ProbeSession s = ProbeSession.connect(target.address(), target.host(), settings.timeout())) {
            if (s.readSmtp().code() != 220 || !s.smtp("EHLO " + settings.heloName()).positive() || s.smtp("STARTTLS").code() != 220) {
                return Optional.empty();
            }
            return Optional.of(exchange(s.rawSocket(), version, suites));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static Answer exchange(Socket socket, int version, int[] suites) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(clientHello(version, suites, Optional.empty()));
        out.flush();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        int type;
        try {
            type = in.readUnsignedByte();
        } catch (IOException e) {
            return new Refused("connection closed");
        }
        in.readUnsignedShort();
        int length = in.readUnsignedShort();
        if (type == ALERT) {
            return new Refused("alert");
        }
        if (type != HANDSHAKE || length < 42 || length > 1 << 14) {
            return new Refused("unexpected record type " + type);
        }
        byte[] body = in.readNBytes(length);
        if (body.length < 42 || body[0] != SERVER_HELLO) {
            return new Refused("no ServerHello");
        }
        int serverVersion = ((body[4] & 0xff) << 8) | (body[5] & 0xff);
        int sessionIdLength = body[38] & 0xff;
        int at = 39 + sessionIdLength;
        if (body.length < at + 2) {
            return new Refused("short ServerHello");
        }
        int cipher = ((body[at] & 0xff) << 8) | (body[at + 1] & 0xff);
        return new Accepted(serverVersion, cipher);
    }

    /** A ClientHello record (RFC 5246 7.4.1.2) with the extensions servers need to pick an ECDHE suite. */
    static byte[] clientHello(int version, int[] suites, Optional<String> serverName) {
        ByteArrayOutputStream hello = new ByteArrayOutputStream();
        u16(hello, version);
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        hello.writeBytes(random);
        hello.write(0);
        u16(hello, suites.length * 2);
        for (int suite : suites) {
            u16(hello, suite);
        }
        hello.write(1);
        hello.write(0);
        ByteArrayOutputStream extensions = new ByteArrayOutputStream();
        // supported_groups: x25519, secp256r1, secp384r1 (RFC 8422 5.1.1)
        extension(extensions, 0x000a, new byte[] {0, 6, 0, 0x1d, 0, 0x17, 0, 0x18});
        // ec_point_formats: uncompressed
        extension(extensions, 0x000b, new byte[] {1, 0});
        if (version >= 0x0303) {
            // signature_algorithms (RFC 5246 7.4.1.4.1): rsa/ecdsa with sha256, rsa_pss_rsae_sha256, rsa/sha1
            extension(extensions, 0x000d, new byte[] {0, 8, 4, 1, 4, 3, 8, 4, 2, 1});
        }
        serverName.ifPresent(name -> {
            byte[] n = name.getBytes(StandardCharsets.US_ASCII);
            ByteArrayOutputStream sni = new ByteArrayOutputStream();
            u16(sni, n.length + 3);
            sni.write(0);
            u16(sni, n.length);
            sni.writeBytes(n);
            extension(extensions, 0x0000, sni.toByteArray());
        });
        u16(hello, extensions.size());
        hello.writeBytes(extensions.toByteArray());
        byte[] body = hello.toByteArray();
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.write(HANDSHAKE);
        u16(record, 0x0301);
        u16(record, body.length + 4);
        record.write(1);
        record.write(0);
        u16(record, body.length);
        record.writeBytes(body);
        return record.toByteArray();
    }

    private static void extension(ByteArrayOutputStream out, int type, byte[] data) {
        u16(out, type);
        u16(out, data.length);
        out.writeBytes(data);
    }

    private static void u16(ByteArrayOutputStream out, int value) {
        out.write(value >> 8);
        out.write(value);
    }

    static String hex(int value) {
        return "0x" + HexFormat.of().toHexDigits((short) value);
    }
}
