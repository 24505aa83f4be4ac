package org.bastionmail.reports;

import java.net.URLDecoder;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bastionmail.mail.MailAddress;

/**
 * A {@code rua=} URI of a DMARC record that Bastion can send to: mailto: only, since RFC 7489 defines no
 * other way to deliver aggregate reports.
 *
 * @param maxBytes the size limit of RFC 7489 6.2 ({@code !10m}); {@link Long#MAX_VALUE} when none
 */
record DmarcTarget(MailAddress address, long maxBytes) {
    private static final int MAX_URI = 1024;
    /** RFC 7489 6.4: dmarc-uri = URI [ "!" 1*DIGIT [ "k" / "m" / "g" / "t" ] ]. */
    private static final Pattern SIZE = Pattern.compile("(.*)!([0-9]{1,15})([kmgt]?)", Pattern.CASE_INSENSITIVE);

    static Optional<DmarcTarget> parse(String uri) {
        if (uri.length() > MAX_URI) {
            return Optional.empty();
        }
        String text = uri.strip();
        long max = Long.MAX_VALUE;
        Matcher size = SIZE.matcher(text);
        if (size.matches()) {
            text = size.group(1);
            max = limit(Long.parseLong(size.group(2)), size.group(3).toLowerCase(Locale.ROOT));
        }
        if (!text.regionMatches(true, 0, "mailto:", 0, 7)) {
            return Optional.empty();
        }
        String address = text.substring(7);
        if (address.indexOf('?') >= 0 || address.indexOf(',') >= 0) {
            return Optional.empty(); // header fields or several addresses: not a plain report address
        }
        try {
            address = URLDecoder.decode(address, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        // Printable ASCII without brackets or spaces: nothing that could end up as a CRLF in our header.
        if (address.chars().anyMatch(c -> c < 0x21 || c > 0x7e || c == '<' || c == '>' || c == '"' || c == '\\')) {
            return Optional.empty();
        }
        try {
            MailAddress mail = MailAddress.parse(address);
            if (!DomainName.isPlain(mail.domain()) || mail.localPart().contains("@")) {
                return Optional.empty();
            }
            return Optional.of(new DmarcTarget(mail, max));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static long limit(long value, String unit) {
        int shift = switch (unit) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        return value > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : value << shift;
    }
}
