package org.bastionmail.dkim;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Signs messages with one key (RFC 6376 5, RFC 8463): {@link #sign(byte[])} returns the DKIM-Signature header
 * field to prepend to the message. Safe to share between threads.
 */
public final class DkimSigner {
    /**
     * How to sign.
     *
     * @param signedHeaders header fields signed, each as often as it occurs
     * @param overSigned header fields listed once more than they occur (RFC 6376 8.15), so that none can be
     *     added after signing without breaking the signature
     * @param validity if present, the signature expires this long after signing ({@code x=})
     */
    public record Options(Canonicalization headerCanonicalization, Canonicalization bodyCanonicalization,
            List<String> signedHeaders, Set<String> overSigned, Optional<Duration> validity) {
        public static final List<String> USUAL_HEADERS = List.of(
                "From", "Sender", "Reply-To", "To", "Cc", "Subject", "Date", "Message-ID", "In-Reply-To",
                "References", "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "Content-Disposition",
                "Content-ID", "Content-Language", "List-Id", "List-Help", "List-Unsubscribe", "List-Unsubscribe-Post",
                "List-Subscribe", "List-Post", "List-Owner", "List-Archive", "Autocrypt", "Feedback-ID");

        /** relaxed/relaxed, the usual headers, From, To and Subject over-signed, no expiry. */
        public static final Options DEFAULT = new Options(Canonicalization.RELAXED, Canonicalization.RELAXED,
                USUAL_HEADERS, Set.of("From", "To", "Subject"), Optional.empty());

        public Options {
            Objects.requireNonNull(headerCanonicalization, "headerCanonicalization");
            Objects.requireNonNull(bodyCanonicalization, "bodyCanonicalization");
            Objects.requireNonNull(validity, "validity");
            signedHeaders = signedHeaders.stream().map(h -> h.toLowerCase(Locale.ROOT)).distinct().toList();
            overSigned = overSigned.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
            if (!signedHeaders.contains("from")) {
                throw new IllegalArgumentException("From must be signed (RFC 6376 5.4)");
            }
            if (validity.isPresent() && (validity.get().isNegative() || validity.get().isZero())) {
                throw new IllegalArgumentException("validity must be positive");
            }
        }

        public Options withCanonicalization(Canonicalization header, Canonicalization body) {
            return new Options(header, body, signedHeaders, overSigned, validity);
        }

        public Options withValidity(Duration validity) {
            return new Options(headerCanonicalization, bodyCanonicalization, signedHeaders, overSigned,
                    Optional.of(validity));
        }
    }

    private static final int LINE = 76;

    private final DkimSigningKey key;
    private final Clock clock;
    private final Options options;
    private final int maxHeaderFields;
    private final int maxHeaderBytes;

    public DkimSigner(DkimSigningKey key, Clock clock) {
        this(key, clock, Options.DEFAULT);
    }

    public DkimSigner(DkimSigningKey key, Clock clock, Options options) {
        this.key = Objects.requireNonNull(key, "key");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.options = Objects.requireNonNull(options, "options");
        this.maxHeaderFields = DkimVerifier.Limits.DEFAULT.maxHeaderFields();
        this.maxHeaderBytes = DkimVerifier.Limits.DEFAULT.maxHeaderBytes();
    }

    /**
     * The DKIM-Signature header field for the message (CRLF line ends), folded, ending in CRLF.
     *
     * @throws IllegalArgumentException if the message has no From field or its header section is unreadable
     */
    public String sign(byte[] message) {
        HeaderSection header;
        try {
            header = HeaderSection.parse(message, maxHeaderFields, maxHeaderBytes);
        } catch (DkimFailure e) {
            throw new IllegalArgumentException("cannot sign: " + e.getMessage());
        }
        List<String> names = new ArrayList<>();
        for (String name : options.signedHeaders()) {
            long present = header.fields().stream().filter(f -> f.hasName(name)).count();
            long times = present + (options.overSigned().contains(name) ? 1 : 0);
            for (long i = 0; i < times; i++) {
                names.add(name);
            }
        }
        if (header.fields().stream().noneMatch(f -> f.hasName("From"))) {
            throw new IllegalArgumentException("cannot sign: the message has no From field");
        }

        BodyHasher body = new BodyHasher(options.bodyCanonicalization(), -1);
        body.update(message, header.bodyOffset(), message.length - header.bodyOffset());
        String bodyHash = Base64.getEncoder().encodeToString(body.finish());

        long now = clock.instant().getEpochSecond();
        Folder f = new Folder("DKIM-Signature:");
        f.add(" ", "v=1;");
        f.add(" ", "a=" + key.algorithm().tag() + ";");
        f.add(" ", "c=" + options.headerCanonicalization().tag() + "/" + options.bodyCanonicalization().tag() + ";");
        f.add(" ", "d=" + key.domain() + ";");
        f.add(" ", "s=" + key.selector() + ";");
        f.add(" ", "t=" + now + ";");
        options.validity().ifPresent(v -> f.add(" ", "x=" + (now + Math.max(1, v.toSeconds())) + ";"));
        for (int i = 0; i < names.size(); i++) {
            String piece = (i == 0 ? "h=" : ":") + names.get(i) + (i == names.size() - 1 ? ";" : "");
            f.add(i == 0 ? " " : "", piece);
        }
        f.add(" ", "bh=" + bodyHash + ";");
        f.add(" ", "b=");
        String unsigned = f.text();

        HeaderField field = new HeaderField("DKIM-Signature", unsigned + "\r\n");
        byte[] input = SigningInput.of(header.fields(), names, options.headerCanonicalization(), field);
        String b = Base64.getEncoder().encodeToString(signature(input));
        for (int i = 0; i < b.length(); i += 64) {
            f.add("", b.substring(i, Math.min(b.length(), i + 64)));
        }
        return f.text() + "\r\n";
    }

    private byte[] signature(byte[] input) {
        try {
            Signature signer;
            byte[] data = input;
            if (key.algorithm() == DkimAlgorithm.ED25519_SHA256) {
                // RFC 8463 3: Ed25519 signs the SHA-256 hash of the data
                signer = Signature.getInstance("Ed25519");
                data = MessageDigest.getInstance("SHA-256").digest(input);
            } else {
                signer = Signature.getInstance("SHA256withRSA");
            }
            signer.initSign(key.privateKey());
            signer.update(data);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with " + key, e);
        }
    }

    /** Builds a header field folded before pieces that would pass the line width (RFC 5322 2.2.3). */
    private static final class Folder {
        private final StringBuilder text;
        private int lineLength;

        Folder(String start) {
            text = new StringBuilder(start);
            lineLength = start.length();
        }

        void add(String separator, String piece) {
            if (lineLength + separator.length() + piece.length() > LINE) {
                text.append("\r\n ");
                lineLength = 1;
            } else {
                text.append(separator);
                lineLength += separator.length();
            }
            text.append(piece);
            lineLength += piece.length();
        }

        String text() {
            return text.toString();
        }
    }
}
