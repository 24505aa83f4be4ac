package org.bastionmail.dns;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One TLSA record (RFC 6698 2.1): certificate usage, selector, matching type (each one octet, RFC 7218
 * names them) and the certificate association data. The data is copied in and out, so a record is a value.
 */
public record TlsaRecord(int usage, int selector, int matchingType, byte[] data) {
    public TlsaRecord {
        if (usage < 0 || usage > 255 || selector < 0 || selector > 255 || matchingType < 0 || matchingType > 255) {
            throw new IllegalArgumentException("TLSA fields are single octets (RFC 6698 2.1)");
        }
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TlsaRecord t && usage == t.usage && selector == t.selector
                && matchingType == t.matchingType && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return ((usage * 31 + selector) * 31 + matchingType) * 31 + Arrays.hashCode(data);
    }

    /** Presentation format (RFC 6698 2.2), e.g. {@code 3 1 1 0A1B...}. */
    @Override
    public String toString() {
        return usage + " " + selector + " " + matchingType + " " + HexFormat.of().withUpperCase().formatHex(data);
    }
}
