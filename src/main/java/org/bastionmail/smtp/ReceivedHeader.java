package org.bastionmail.smtp;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import org.bastionmail.mail.MailAddress;

/**
 * The trace field SMTP prepends (RFC 5321 4.4), e.g.
 *
 * <pre>
 * Received: from client.example ([192.0.2.1])
 *         by mx.example.test with ESMTPS (TLSv1.3 TLS_AES_128_GCM_SHA256)
 *         id 3F2A...; for &lt;user@example.test&gt;; Tue, 3 Jun 2025 10:00:00 +0000
 * </pre>
 *
 * <p>The protocol keyword is from RFC 3848: ESMTP, ESMTPS (TLS), ESMTPA (AUTH), ESMTPSA (both); SMTP
 * after HELO. No reverse DNS is looked up here: the address literal is the TCP-info.
 */
record ReceivedHeader(String helo, InetAddress client, String hostname, boolean esmtp,
        Optional<String> tls, Optional<String> account, String id, Optional<MailAddress> singleRecipient,
        Instant when) {

    static final DateTimeFormatter RFC5322_DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss xx", Locale.ROOT).withZone(ZoneOffset.UTC);

    String render() {
        String protocol = !esmtp ? "SMTP"
                : "ESMTP" + (tls.isPresent() ? "S" : "") + (account.isPresent() ? "A" : "");
        StringBuilder sb = new StringBuilder("Received: from ").append(helo)
                .append(" (").append(addressLiteral(client)).append(")\r\n")
                .append("\tby ").append(hostname).append(" with ").append(protocol);
        tls.ifPresent(t -> sb.append(" (").append(t).append(')'));
        account.ifPresent(a -> sb.append("\r\n\t(Authenticated sender: ").append(commentSafe(a)).append(')'));
        sb.append("\r\n\tid ").append(id);
        singleRecipient.ifPresent(r -> sb.append("\r\n\tfor <").append(r).append('>'));
        return sb.append("; ").append(RFC5322_DATE.format(when)).append("\r\n").toString();
    }

    /** RFC 5321 4.1.3 address literal: {@code [192.0.2.1]} or {@code [IPv6:2001:db8::1]}. */
    static String addressLiteral(InetAddress address) {
        String text = address.getHostAddress();
        int zone = text.indexOf('%');
        if (zone >= 0) {
            text = text.substring(0, zone);
        }
        return address instanceof Inet6Address ? "[IPv6:" + text + "]" : "[" + text + "]";
    }

    /** Keeps a value from closing or nesting the comment it is written in. */
    private static String commentSafe(String s) {
        return s.replaceAll("[()\\\\\\r\\n]", "_");
    }
}
