package org.bastionmail.mail;

import java.util.Locale;
import java.util.Objects;

/**
 * A mailbox address as it travels in the SMTP envelope: a local part and a domain.
 *
 * <p>The local part keeps its case (RFC 5321 2.4 says it may be case-sensitive), but Bastion's own
 * lookups fold it, as every common server does. The domain is stored in lower case; an
 * internationalised domain stays in UTF-8 (RFC 6531) and is never punycoded here.
 *
 * <p>The local part is stored unquoted: {@code "john doe"@x} has local part {@code john doe}.
 */
public record MailAddress(String localPart, String domain) {
    public MailAddress {
        Objects.requireNonNull(localPart, "localPart");
        Objects.requireNonNull(domain, "domain");
        domain = domain.toLowerCase(Locale.ROOT);
    }

    /** Parses a plain {@code local@domain} string (as used in configuration and CLI arguments). */
    public static MailAddress parse(String address) {
        int at = address.lastIndexOf('@');
        if (at <= 0 || at == address.length() - 1) {
            throw new IllegalArgumentException("not an address of the form local@domain: " + address);
        }
        return new MailAddress(address.substring(0, at), address.substring(at + 1));
    }

    /** The key Bastion uses to look the address up: local part and domain in lower case. */
    public String canonical() {
        return localPart.toLowerCase(Locale.ROOT) + "@" + domain;
    }

    /** Whether the local part must be quoted to be written in a path (RFC 5321 4.1.2 Dot-string). */
    public boolean needsQuoting() {
        if (localPart.isEmpty() || localPart.startsWith(".") || localPart.endsWith(".") || localPart.contains("..")) {
            return true;
        }
        for (int i = 0; i < localPart.length(); i++) {
            char c = localPart.charAt(i);
            if (c < 0x80 && !isAtext(c) && c != '.') {
                return true;
            }
        }
        return false;
    }

    static boolean isAtext(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
    }

    /** The address as written in an SMTP path or a header, quoting the local part when needed. */
    @Override
    public String toString() {
        if (!needsQuoting()) {
            return localPart + "@" + domain;
        }
        StringBuilder quoted = new StringBuilder("\"");
        for (int i = 0; i < localPart.length(); i++) {
            char c = localPart.charAt(i);
            if (c == '"' || c == '\\') {
                quoted.append('\\');
            }
            quoted.append(c);
        }
        return quoted.append("\"@").append(domain).toString();
    }
}
