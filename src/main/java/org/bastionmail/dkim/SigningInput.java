package org.bastionmail.dkim;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The bytes a DKIM signature covers: the selected header fields, then the signature field itself (RFC 6376 3.7). */
final class SigningInput {
    private SigningInput() {}

    static byte[] of(List<HeaderField> fields, List<String> signedNames, Canonicalization c, HeaderField signatureField) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // RFC 6376 5.4.2: each name takes the last instance not yet used, searching from the bottom up;
        // a name with no instance left contributes nothing (that is how over-signing works)
        Map<String, Integer> nextFromBottom = new HashMap<>();
        for (String name : signedNames) {
            int from = nextFromBottom.getOrDefault(name, fields.size() - 1);
            int i = from;
            while (i >= 0 && !fields.get(i).hasName(name)) {
                i--;
            }
            nextFromBottom.put(name, i - 1);
            if (i >= 0) {
                out.writeBytes(c.header(fields.get(i)).getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        // RFC 6376 3.7: the signature field with an empty b= value, canonicalised, without its final CRLF
        String own = c.header(new HeaderField(signatureField.name(), withoutSignatureValue(signatureField.raw())));
        out.writeBytes(own.substring(0, own.length() - 2).getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    /** The raw field with the value of its b= tag removed, everything else byte for byte. */
    static String withoutSignatureValue(String raw) {
        int end = raw.endsWith("\r\n") ? raw.length() - 2 : raw.length();
        int start = raw.indexOf(':') + 1;
        while (start <= end) {
            int semi = raw.indexOf(';', start);
            int segEnd = semi < 0 || semi > end ? end : semi;
            int eq = raw.indexOf('=', start);
            if (eq >= 0 && eq < segEnd && raw.substring(start, eq).strip().equals("b")) {
                return raw.substring(0, eq + 1) + raw.substring(segEnd);
            }
            if (segEnd == end) {
                break;
            }
            start = segEnd + 1;
        }
        return raw;
    }
}
