package org.bastionmail.tlsrpt;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bastionmail.dns.DnsResolver;
import org.bastionmail.dns.Lookup;
import org.bastionmail.mail.MailAddress;

/**
 * The {@code _smtp._tls} TXT record of a policy domain (RFC 8460 3): where to send TLS reports.
 *
 * @param rua the report targets Bastion can use (mailto: and https:), in record order; never empty
 */
public record TlsRptRecord(List<ReportTarget> rua) {
    private static final int MAX_RECORD = 2048;
    private static final int MAX_TARGETS = 10;

    public TlsRptRecord {
        rua = List.copyOf(rua);
        if (rua.isEmpty()) {
            throw new IllegalArgumentException("a TLSRPT record needs a report target");
        }
    }

    /** Looks up and parses the record of {@code policyDomain}; empty when it has none usable. */
    public static Optional<TlsRptRecord> discover(DnsResolver dns, String policyDomain) {
        if (!(dns.txt("_smtp._tls." + policyDomain) instanceof Lookup.Found<List<String>> found)) {
            return Optional.empty();
        }
        return select(found.records());
    }

    /**
     * RFC 8460 3: records not starting with "v=TLSRPTv1;" are discarded; if not exactly one remains, the
     * domain does not implement TLSRPT.
     */
    public static Optional<TlsRptRecord> select(List<String> txtRecords) {
        List<String> candidates = txtRecords.stream()
                .filter(r -> r.startsWith("v=TLSRPTv1;") || r.startsWith("v=TLSRPTv1 ")).toList();
        return candidates.size() == 1 ? parse(candidates.getFirst()) : Optional.empty();
    }

    /**
     * tlsrpt-record = tlsrpt-version 1*(field-delim tlsrpt-field) [field-delim];
     * tlsrpt-rua = %s"rua=" tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri).
     */
    public static Optional<TlsRptRecord> parse(String txt) {
        if (txt.length() > MAX_RECORD) {
            return Optional.empty();
        }
        String[] fields = txt.split(";", -1);
        if (!fields[0].stripTrailing().equals("v=TLSRPTv1")) {
            return Optional.empty();
        }
        List<ReportTarget> targets = null;
        for (int i = 1; i < fields.length; i++) {
            String field = fields[i].strip();
            if (field.isEmpty() && i == fields.length - 1) {
                break;
            }
            int eq = field.indexOf('=');
            if (eq <= 0) {
                return Optional.empty();
            }
            if (field.substring(0, eq).equals("rua")) {
                if (targets != null) {
                    return Optional.empty(); // two rua fields: ambiguous
                }
                Optional<List<ReportTarget>> parsed = targets(field.substring(eq + 1));
                if (parsed.isEmpty()) {
                    return Optional.empty();
                }
                targets = parsed.get();
            }
            // other fields are extensions (RFC 8460 3 tlsrpt-extension): ignored
        }
        if (targets == null || targets.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new TlsRptRecord(targets));
    }

    private static Optional<List<ReportTarget>> targets(String value) {
        List<ReportTarget> targets = new ArrayList<>();
        boolean any = false;
        for (String part : value.split(",", -1)) {
            String uri = part.strip();
            if (uri.isEmpty()) {
                return Optional.empty();
            }
            any = true;
            target(uri).ifPresent(t -> {
                if (targets.size() < MAX_TARGETS) {
                    targets.add(t);
                }
            });
        }
        // A syntactically fine record whose every URI uses a scheme we cannot send to is of no use.
        return any ? Optional.of(targets) : Optional.empty();
    }

    /** RFC 8460 3: mailto: (RFC 6068) and https: are the defined schemes; others are skipped. */
    static Optional<ReportTarget> target(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https") && uri.getHost() != null && uri.getUserInfo() == null) {
            return Optional.of(new ReportTarget.Https(uri));
        }
        if (scheme.equals("mailto")) {
            String address = uri.getRawSchemeSpecificPart();
            int query = address.indexOf('?');
            address = URLDecoder.decode(query < 0 ? address : address.substring(0, query), StandardCharsets.UTF_8);
            // one plain address; no header fields, no lists, nothing that could smuggle a CRLF into a header
            if (address.contains(",") || address.chars().anyMatch(c -> c < 0x21 || c == 0x7f || c == '<' || c == '>')) {
                return Optional.empty();
            }
            try {
                MailAddress mail = MailAddress.parse(address);
                if (mail.domain().isEmpty() || !mail.domain().contains(".")) {
                    return Optional.empty();
                }
                return Optional.of(new ReportTarget.Mailto(mail));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
