package org.bastionmail.audit;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.bastionmail.audit.CipherSuites.Suite;
import org.bastionmail.audit.CipherSuites.Weakness;

/**
 * Which protocol versions and cipher suites a server accepts. It writes its own ClientHello (RFC 5246 7.4.1.2,
 * RFC 8446 4.1.2) and reads only the ServerHello: the JDK refuses to even offer SSL 3.0, TLS 1.0/1.1 or the
 * weak suites (jdk.tls.disabledAlgorithms), and no handshake is ever completed, so nothing depends on them.
 * For each version it offers every listed suite, notes the one the server picks, and offers the rest again
 * until the server refuses: one connection per accepted suite, plus one.
 */
final class CipherScan {
    private static final int HANDSHAKE = 22;
    private static final int ALERT = 21;
    private static final int SERVER_HELLO = 2;
    private static final int SUPPORTED_VERSIONS = 0x002b;
    /** Bounds the connections of one version's enumeration, whatever the server does. */
    private static final int MAX_PER_VERSION = 80;

    enum Version {
        SSL3(0x0300, "SSL 3.0"), TLS10(0x0301, "TLS 1.0"), TLS11(0x0302, "TLS 1.1"), TLS12(0x0303, "TLS 1.2"), TLS13(0x0304, "TLS 1.3");

        final int code;
        final String label;

        Version(int code, String label) {
            this.code = code;
            this.label = label;
        }
    }

    /** Opens a connection at the point where the server awaits a ClientHello (after STARTTLS, or at once). */
    @FunctionalInterface
    interface Opener {
        Optional<ProbeSession> open() throws IOException;
    }

    sealed interface Answer {}

    record Accepted(int version, int cipher) implements Answer {}

    record Refused(String how) implements Answer {}

    /** What the server accepted, per version, with one line of evidence per ServerHello. */
    record Result(Map<Version, List<Suite>> accepted, List<String> evidence, boolean complete) {
        boolean accepts(Version version) {
            return !accepted.getOrDefault(version, List.of()).isEmpty();
        }
    }

    private final Opener opener;
    private final Duration budget;

    CipherScan(Opener opener, Duration budget) {
        this.opener = opener;
        this.budget = budget;
    }

    /** Scans and turns the result into findings; nothing when the scan could not connect at all. */
    List<Finding> findings(String subject) {
        Result result = scan();
        if (result.accepted().isEmpty()) {
            return List.of();
        }
        return judge(result, subject);
    }

    Result scan() {
        long end = System.nanoTime() + budget.toNanos();
        Map<Version, List<Suite>> accepted = new EnumMap<>(Version.class);
        List<String> evidence = new ArrayList<>();
        boolean complete = true;
        boolean reached = false;
        for (Version version : Version.values()) {
            List<Suite> remaining = new ArrayList<>(version == Version.TLS13 ? CipherSuites.TLS13 : CipherSuites.LEGACY);
            List<Suite> found = new ArrayList<>();
            for (int i = 0; i < MAX_PER_VERSION && !remaining.isEmpty(); i++) {
                if (System.nanoTime() > end) {
                    complete = false;
                    break;
                }
                Optional<Answer> answer = attempt(version, remaining);
                if (answer.isEmpty()) {
                    complete = false;
                    break;
                }
                reached = true;
                if (!(answer.get() instanceof Accepted a) || a.version() != version.code) {
                    break;
                }
                Suite suite = CipherSuites.of(a.cipher());
                evidence.add("C: ClientHello " + version.label + " offering " + remaining.size() + " suites\nS: ServerHello "
                        + version.label + " " + suite.name() + " (" + hex(a.cipher()) + ")");
                found.add(suite);
                // a server that picks a suite it was not offered would loop: stop there
                if (!remaining.removeIf(s -> s.code() == a.cipher())) {
                    break;
                }
            }
            if (!found.isEmpty()) {
                accepted.put(version, List.copyOf(found));
            }
        }
        return new Result(reached ? accepted : Map.of(), evidence, complete);
    }

    static List<Finding> judge(Result result, String subject) {
        List<Finding> findings = new ArrayList<>();
        String cut = result.complete() ? "" : "\n(the scan was cut short by its time budget or a failed connection)";
        for (Version old : List.of(Version.SSL3, Version.TLS10, Version.TLS11)) {
            if (result.accepts(old)) {
                findings.add(new Finding("tls.protocol." + (old == Version.SSL3 ? "ssl3" : old.label.replace(" ", "").toLowerCase(Locale.ROOT)),
                        old == Version.SSL3 ? Severity.HIGH : Severity.MEDIUM, subject,
                        old.label + " is accepted (" + (old == Version.SSL3 ? "RFC 7568" : "RFC 8996") + " forbids it)",
                        evidenceFor(result, s -> true, old) + cut,
                        "Accept TLS 1.2 and 1.3 only (e.g. smtpd_tls_protocols = >=TLSv1.2 and smtpd_tls_mandatory_protocols = >=TLSv1.2 in Postfix)."));
            }
        }
        if (!result.accepts(Version.TLS13) && result.complete()) {
            findings.add(new Finding("tls.protocol.no-tls1.3", Severity.LOW, subject, "TLS 1.3 is not offered",
                    "C: ClientHello TLS 1.3 offering " + CipherSuites.TLS13.size() + " suites\nS: (no TLS 1.3 ServerHello)",
                    "Update the TLS library or its configuration so that TLS 1.3 (RFC 8446) is negotiated."));
        }
        addWeakness(findings, result, subject, Weakness.BROKEN, "tls.cipher.weak", Severity.MEDIUM,
                "Broken cipher suites are accepted (NULL, export, anonymous, RC4, DES/3DES, IDEA or MD5)",
                "Disable them (e.g. smtpd_tls_exclude_ciphers = aNULL, eNULL, EXPORT, DES, 3DES, RC4, MD5, IDEA in Postfix; keep smtpd_tls_ciphers at medium or high).", cut);
        addWeakness(findings, result, subject, Weakness.NO_FORWARD_SECRECY, "tls.cipher.no-forward-secrecy", Severity.LOW,
                "Suites without forward secrecy (static RSA key exchange) are accepted",
                "Offer only ECDHE (or DHE) suites, e.g. exclude kRSA.", cut);
        addWeakness(findings, result, subject, Weakness.CBC, "tls.cipher.cbc", Severity.LOW,
                "CBC suites with HMAC (no AEAD) are accepted: padding-oracle attacks such as Lucky13 target them",
                "Offer only AEAD suites (AES-GCM, ChaCha20-Poly1305) in TLS 1.2, as Mozilla's intermediate profile does.", cut);
        StringBuilder all = new StringBuilder();
        result.accepted().forEach((version, suites) -> all.append(version.label).append(": ")
                .append(String.join(", ", suites.stream().map(Suite::name).toList())).append('\n'));
        findings.add(Finding.info("tls.ciphers", subject, "Protocol versions and cipher suites accepted", all.toString().strip() + cut));
        return findings;
    }

    private static void addWeakness(List<Finding> findings, Result result, String subject, Weakness weakness, String id, Severity severity,
            String title, String fix, String cut) {
        List<String> lines = new ArrayList<>();
        result.accepted().forEach((version, suites) -> suites.stream().filter(s -> s.weakness() == weakness)
                .forEach(s -> lines.add(version.label + " " + s.name())));
        if (!lines.isEmpty()) {
            findings.add(new Finding(id, severity, subject, title + ": " + lines.size() + " suite" + (lines.size() == 1 ? "" : "s"),
                    evidenceFor(result, s -> s.weakness() == weakness, null) + cut, fix));
        }
    }

    /** The ServerHello exchanges of the matching suites (of one version when given). */
    private static String evidenceFor(Result result, java.util.function.Predicate<Suite> which, Version only) {
        List<String> lines = new ArrayList<>();
        for (String exchange : result.evidence()) {
            for (var entry : result.accepted().entrySet()) {
                if (only != null && entry.getKey() != only) {
                    continue;
                }
                for (Suite s : entry.getValue()) {
                    if (which.test(s) && exchange.startsWith("C: ClientHello " + entry.getKey().label + " ")
                            && exchange.contains(" " + s.name() + " (")) {
                        lines.add(exchange);
                    }
                }
            }
        }
        return String.join("\n", lines);
    }

    /** Empty when the probe could not be made (no STARTTLS, connection failure): nothing is concluded then. */
    Optional<Answer> attempt(Version version, List<Suite> suites) {
        try {
            Optional<ProbeSession> opened = opener.open();
            if (opened.isEmpty()) {
                return Optional.empty();
            }
            try (ProbeSession s = opened.get()) {
                return Optional.of(exchange(s.rawSocket(), version, suites.stream().mapToInt(Suite::code).toArray(), s.host()));
            }
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static Answer exchange(Socket socket, Version version, int[] suites, String host) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(clientHello(version, suites, Auditor.literal(host).isPresent() ? Optional.empty() : Optional.of(host)));
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
        int serverVersion = u16(body, 4);
        int sessionIdLength = body[38] & 0xff;
        int at = 39 + sessionIdLength;
        if (body.length < at + 3) {
            return new Refused("short ServerHello");
        }
        int cipher = u16(body, at);
        // RFC 8446 4.1.3: a TLS 1.3 ServerHello says 1.2 in legacy_version and 1.3 in supported_versions
        int ext = at + 3;
        if (body.length >= ext + 2) {
            int end = Math.min(body.length, ext + 2 + u16(body, ext));
            for (int p = ext + 2; p + 4 <= end; ) {
                int extType = u16(body, p);
                int extLength = u16(body, p + 2);
                if (extType == SUPPORTED_VERSIONS && extLength == 2 && p + 6 <= end) {
                    serverVersion = u16(body, p + 4);
                }
                p += 4 + extLength;
            }
        }
        return new Accepted(serverVersion, cipher);
    }

    /** A ClientHello record with the extensions servers need to pick an ECDHE suite, and for 1.3 a key share. */
    static byte[] clientHello(Version version, int[] suites, Optional<String> serverName) {
        SecureRandom random = new SecureRandom();
        ByteArrayOutputStream hello = new ByteArrayOutputStream();
        u16(hello, Math.min(version.code, 0x0303));
        byte[] nonce = new byte[32];
        random.nextBytes(nonce);
        hello.writeBytes(nonce);
        if (version == Version.TLS13) {
            // RFC 8446 4.1.2: a legacy session id keeps middleboxes quiet
            hello.write(32);
            byte[] session = new byte[32];
            random.nextBytes(session);
            hello.writeBytes(session);
        } else {
            hello.write(0);
        }
        u16(hello, suites.length * 2);
        for (int suite : suites) {
            u16(hello, suite);
        }
        hello.write(1);
        hello.write(0);
        ByteArrayOutputStream extensions = new ByteArrayOutputStream();
        if (version != Version.SSL3) {
            // supported_groups: x25519, secp256r1, secp384r1, ffdhe2048 (RFC 8422 5.1.1, RFC 7919)
            extension(extensions, 0x000a, new byte[] {0, 8, 0, 0x1d, 0, 0x17, 0, 0x18, 1, 0});
            // ec_point_formats: uncompressed
            extension(extensions, 0x000b, new byte[] {1, 0});
            // renegotiation_info, empty (RFC 5746 3.4)
            extension(extensions, 0xff01, new byte[] {0});
        }
        if (version.code >= 0x0303) {
            // signature_algorithms (RFC 8446 4.2.3): ECDSA, RSA-PSS, RSA PKCS#1, Ed25519, and SHA-1 ones for old servers
            extension(extensions, 0x000d, new byte[] {0, 18, 4, 3, 5, 3, 8, 4, 8, 5, 8, 7, 4, 1, 5, 1, 2, 1, 2, 3});
        }
        if (version == Version.TLS13) {
            extension(extensions, SUPPORTED_VERSIONS, new byte[] {2, 3, 4});
            // key_share: one x25519 share; any 32 bytes are a valid point, and no handshake is finished
            byte[] key = new byte[32];
            random.nextBytes(key);
            ByteArrayOutputStream share = new ByteArrayOutputStream();
            u16(share, 36);
            u16(share, 0x001d);
            u16(share, 32);
            share.writeBytes(key);
            extension(extensions, 0x0033, share.toByteArray());
            // psk_key_exchange_modes: psk_dhe_ke
            extension(extensions, 0x002d, new byte[] {1, 1});
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
        if (extensions.size() > 0) {
            u16(hello, extensions.size());
            hello.writeBytes(extensions.toByteArray());
        }
        byte[] body = hello.toByteArray();
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.write(HANDSHAKE);
        u16(record, version == Version.SSL3 ? 0x0300 : 0x0301);
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

    private static int u16(byte[] data, int at) {
        return ((data[at] & 0xff) << 8) | (data[at + 1] & 0xff);
    }

    static String hex(int value) {
        return "0x" + HexFormat.of().withUpperCase().toHexDigits((short) value);
    }
}
