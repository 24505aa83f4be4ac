package org.bastionmail.dkim;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Canonicalises a body (RFC 6376 3.4.3, 3.4.4) and hashes it as the bytes arrive, so a body is never
 * held twice. Empty lines are counted rather than written until content follows, which drops the empty
 * lines at the end of the body. Only the first {@code limit} canonical bytes are hashed ({@code l=}, 3.5);
 * every canonical byte is counted.
 */
final class BodyHasher {
    private final boolean relaxed;
    private final long limit;
    private final MessageDigest digest;
    private final byte[] buffer = new byte[8192];
    private int buffered;
    private long canonicalLength;

    private long pendingCrlf;
    private boolean pendingSpace;
    private boolean sawCr;
    private boolean anyContent;

    /** @param limit the number of canonical bytes to hash, or -1 for all */
    BodyHasher(Canonicalization canonicalization, long limit) {
        this.relaxed = canonicalization == Canonicalization.RELAXED;
        this.limit = limit;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    void update(byte[] data, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            byte b = data[i];
            if (sawCr) {
                sawCr = false;
                if (b == '\n') {
                    // end of a line: trailing WSP is dropped in relaxed mode (3.4.4 a)
                    pendingSpace = false;
                    pendingCrlf++;
                    continue;
                }
                content((byte) '\r');
            }
            if (b == '\r') {
                sawCr = true;
            } else if (relaxed && (b == ' ' || b == '\t')) {
                pendingSpace = true;
            } else {
                content(b);
            }
        }
    }

    /** Ends the body and returns the hash; {@link #canonicalLength()} is then final. */
    byte[] finish() {
        if (sawCr) {
            sawCr = false;
            content((byte) '\r');
        }
        pendingSpace = false;
        if (anyContent || !relaxed) {
            // Exactly one CRLF ends the body; an empty body is CRLF in simple mode and nothing in relaxed
            // mode (3.4.3, 3.4.4 as corrected by erratum 3812)
            emit((byte) '\r');
            emit((byte) '\n');
        }
        flush();
        return digest.digest();
    }

    long canonicalLength() {
        return canonicalLength;
    }

    private void content(byte b) {
        for (; pendingCrlf > 0; pendingCrlf--) {
            emit((byte) '\r');
            emit((byte) '\n');
        }
        if (pendingSpace) {
            pendingSpace = false;
            emit((byte) ' ');
        }
        anyContent = true;
        emit(b);
    }

    private void emit(byte b) {
        canonicalLength++;
        if (limit >= 0 && canonicalLength > limit) {
            return;
        }
        buffer[buffered++] = b;
        if (buffered == buffer.length) {
            flush();
        }
    }

    private void flush() {
        digest.update(buffer, 0, buffered);
        buffered = 0;
    }
}
