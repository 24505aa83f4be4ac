package org.bastionmail.smtp;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;
import org.bastionmail.mail.MailAddress;

/**
 * Parses the inside of an SMTP path (RFC 5321 4.1.2) strictly: Dot-string or Quoted-string local part,
 * a domain or an address literal. With SMTPUTF8 (RFC 6531 3.3) non-ASCII UTF-8 is allowed in atoms,
 * quoted strings and domain labels; without it the caller rejects such addresses with 553 5.6.7.
 *
 * <p>Everything the grammar does not allow is refused, so {@code user@other@local} is a syntax error.
 */
final class PathParser {
    // RFC 5321 4.5.3.1.1-3
    private static final int MAX_LOCAL_PART = 64;
    private static final int MAX_DOMAIN = 255;
    private static final int MAX_PATH = 256;
    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}");

    private PathParser() {}

    /** Parses a path; empty when it is not valid. {@code "<>"} and {@code "<postmaster>"} are recognised. */
    static Optional<SmtpPath> parse(String path) {
        if (path.getBytes(StandardCharsets.UTF_8).length > MAX_PATH) {
            return Optional.empty();
        }
        if (path.isEmpty()) {
            return Optional.of(new SmtpPath.NullPath());
        }
        if (path.equalsIgnoreCase("postmaster")) {
            return Optional.of(new SmtpPath.Postmaster());
        }
        boolean hadRoute = false;
        String mailbox = path;
        if (path.startsWith("@")) {
            // RFC 5321 4.1.1.3: A-d-l ":" Mailbox; routes are ignored. We check and drop the route,
            // and only the final mailbox counts for every decision that follows.
            int colon = path.indexOf(':');
            if (colon < 0 || !validRoute(path.substring(0, colon))) {
                return Optional.empty();
            }
            mailbox = path.substring(colon + 1);
            hadRoute = true;
        }
        return mailbox(mailbox, hadRoute);
    }

    private static boolean validRoute(String route) {
        for (String hop : route.split(",", -1)) {
            if (!hop.startsWith("@") || !isDomain(hop.substring(1))) {
                return false;
            }
        }
        return true;
    }

    private static Optional<SmtpPath> mailbox(String s, boolean hadRoute) {
        int i;
        String localPart;
        if (s.startsWith("\"")) {
            StringBuilder unquoted = new StringBuilder();
            i = 1;
            while (true) {
                if (i >= s.length()) {
                    return Optional.empty();
                }
                char c = s.charAt(i);
                if (c == '"') {
                    i++;
                    break;
                }
                if (c == '\\') {
                    // quoted-pairSMTP = %d92 %d32-126
                    if (i + 1 >= s.length() || s.charAt(i + 1) < 32 || s.charAt(i + 1) > 126) {
                        return Optional.empty();
                    }
                    unquoted.append(s.charAt(i + 1));
                    i += 2;
                    continue;
                }
                // qtextSMTP = %d32-33 / %d35-91 / %d93-126, and UTF-8 non-ASCII (RFC 6531)
                if (c < 32 || c == 127) {
                    return Optional.empty();
                }
                unquoted.append(c);
                i++;
            }
            localPart = unquoted.toString();
        } else {
            int at = s.indexOf('@');
            if (at <= 0 || !isDotString(s.substring(0, at))) {
                return Optional.empty();
            }
            localPart = s.substring(0, at);
            i = at;
        }
        if (i >= s.length() || s.charAt(i) != '@') {
            return Optional.empty();
        }
        if (localPart.getBytes(StandardCharsets.UTF_8).length > MAX_LOCAL_PART) {
            return Optional.empty();
        }
        String domain = s.substring(i + 1);
        if (domain.startsWith("[")) {
            return isAddressLiteral(domain)
                    ? Optional.of(new SmtpPath.Mailbox(new MailAddress(localPart, domain), true, hadRoute))
                    : Optional.empty();
        }
        if (!isDomain(domain)) {
            return Optional.empty();
        }
        return Optional.of(new SmtpPath.Mailbox(new MailAddress(localPart, domain), false, hadRoute));
    }

    /** Dot-string = Atom *("." Atom) (RFC 5321 4.1.2). */
    static boolean isDotString(String s) {
        if (s.isEmpty() || s.startsWith(".") || s.endsWith(".") || s.contains("..")) {
            return false;
        }
        return s.chars().allMatch(c -> c == '.' || isAtext((char) c) || c >= 0x80);
    }

    static boolean isAtext(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
    }

    /** Domain = sub-domain *("." sub-domain); sub-domain = Let-dig [Ldh-str], or a U-label (RFC 6531). */
    static boolean isDomain(String d) {
        if (d.isEmpty() || d.getBytes(StandardCharsets.UTF_8).length > MAX_DOMAIN) {
            return false;
        }
        for (String label : d.split("\\.", -1)) {
            if (label.isEmpty() || label.getBytes(StandardCharsets.UTF_8).length > 63
                    || label.startsWith("-") || label.endsWith("-")) {
                return false;
            }
            for (int k = 0; k < label.length(); k++) {
                char c = label.charAt(k);
                boolean ldh = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
                if (!ldh && !(c >= 0x80 && (Character.isLetterOrDigit(c) || Character.isSurrogate(c)
                        || Character.getType(c) == Character.NON_SPACING_MARK))) {
                    return false;
                }
            }
        }
        return true;
    }

    /** address-literal = "[" ( IPv4 / "IPv6:" IPv6 ) "]"; General-address-literal is refused. */
    static boolean isAddressLiteral(String d) {
        if (!d.startsWith("[") || !d.endsWith("]") || d.length() < 3) {
            return false;
        }
        String inner = d.substring(1, d.length() - 1);
        if (IPV4.matcher(inner).matches()) {
            return true;
        }
        if (inner.regionMatches(true, 0, "IPv6:", 0, 5)) {
            String v6 = inner.substring(5);
            if (v6.indexOf(':') < 0 || !v6.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                return false;
            }
            try {
                // ofLiteral never does DNS.
                InetAddress.ofLiteral(v6);
                return true;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return false;
    }
}
