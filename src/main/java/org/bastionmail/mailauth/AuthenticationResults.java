package org.bastionmail.mailauth;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.bastionmail.dkim.DkimResult;
import org.bastionmail.dkim.DkimVerdict;
import org.bastionmail.dmarc.DmarcRecord;
import org.bastionmail.dmarc.DmarcResult;
import org.bastionmail.iprev.IprevResult;
import org.bastionmail.iprev.IprevVerdict;
import org.bastionmail.spf.SpfResult;

/**
 * The Authentication-Results header field (RFC 8601) Bastion adds to every inbound message, e.g.
 * <pre>
 * Authentication-Results: mx.example.org;
 *         spf=pass smtp.mailfrom=alice@example.com (ip4:192.0.2.0/24 matched);
 *         dkim=pass header.d=example.com header.s=sel header.a=ed25519-sha256;
 *         dmarc=pass (p=reject) header.from=example.com policy.dmarc=reject;
 *         iprev=pass policy.iprev=192.0.2.1 (mail.example.com)
 * </pre>
 * Properties are those RFC 8601 2.7 and RFC 7489 11.2 register. Each result starts on a line of its own
 * and lines are folded before 78 columns with CRLF and a tab (RFC 5322 2.2.3). Every value that came from
 * the client, a signature or DNS is reduced to printable ASCII and quoted when it is not a plain token, so
 * the field can never be broken into two fields or carry a forged result.
 */
public final class AuthenticationResults {
    public static final String FIELD_NAME = "Authentication-Results";
    private static final int LINE = 78;

    private AuthenticationResults() {}

    /** The whole field, {@code Authentication-Results: ...} ending in CRLF, to prepend to the message. */
    public static String field(String authservId, AuthFindings findings) {
        return FIELD_NAME + ": " + value(authservId, findings) + "\r\n";
    }

    /** The field value, folded as it is to appear after {@code "Authentication-Results: "}, without the final CRLF. */
    public static String value(String authservId, AuthFindings findings) {
        Objects.requireNonNull(authservId, "authservId");
        Objects.requireNonNull(findings, "findings");
        List<List<String>> results = new ArrayList<>();
        results.add(spf(findings.mailFrom(), "smtp.mailfrom", ResultSyntax.address(findings.mailFrom().sender())));
        findings.helo().ifPresent(h -> {
            List<String> words = spf(h, "smtp.helo", ResultSyntax.value(h.helo()));
            // No method registers a HELO name check; it is recorded as a comment on the HELO identity.
            findings.heloName().ifPresent(n -> words.addAll(
                    ResultSyntax.comment("HELO name " + n.verdict().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ": " + n.reason())));
            results.add(words);
        });
        findings.dkim().forEach(d -> results.add(dkim(d)));
        findings.dmarc().ifPresent(d -> results.add(dmarc(d, findings.fromDomain().orElseThrow())));
        findings.iprev().ifPresent(i -> results.add(iprev(i)));
        return fold(ResultSyntax.value(authservId), results);
    }

    private static List<String> spf(SpfResult result, String property, String identity) {
        List<String> words = new ArrayList<>();
        words.add("spf=" + result.verdict().label());
        words.add(property + "=" + identity);
        String why = result.mechanism().map(m -> m + " matched").orElse(result.reason());
        words.addAll(ResultSyntax.comment(why));
        return words;
    }

    // RFC 8601 2.7.1: header.d and header.i; header.s and header.a (RFC 8601 2.7.1, registered in 6.7)
    private static List<String> dkim(DkimResult result) {
        List<String> words = new ArrayList<>();
        words.add("dkim=" + result.verdict().keyword());
        if (result.verdict() != DkimVerdict.NONE) {
            List<String> notes = new ArrayList<>();
            result.reason().ifPresent(notes::add);
            if (result.bodyLengthLimited()) {
                notes.add("signature covers only part of the body");
            }
            if (result.testing()) {
                notes.add("test key");
            }
            if (!notes.isEmpty()) {
                words.addAll(ResultSyntax.comment(String.join("; ", notes)));
            }
            addProperty(words, "header.d", result.domain());
            addProperty(words, "header.s", result.selector());
            addProperty(words, "header.a", result.algorithm());
        }
        return words;
    }

    // RFC 7489 11.2: header.from; the published policy as policy.dmarc, and the disposition in a comment
    private static List<String> dmarc(DmarcResult result, String fromDomain) {
        List<String> words = new ArrayList<>();
        words.add("dmarc=" + result.verdict().keyword());
        String from = strip(fromDomain);
        // RFC 7489 6.3 "sp": the subdomain policy applies when the record came from the organisational domain
        Optional<DmarcRecord.Policy> published = result.record().map(r -> result.policyDomain().equalsIgnoreCase(from)
                ? r.policy() : r.subdomainPolicy().orElse(r.policy()));
        published.ifPresent(p -> words.addAll(
                ResultSyntax.comment("p=" + p.keyword() + " dis=" + result.disposition().keyword())));
        if (result.verdict() == DmarcResult.Verdict.TEMPERROR || result.verdict() == DmarcResult.Verdict.PERMERROR) {
            words.addAll(ResultSyntax.comment(result.reason()));
        }
        addProperty(words, "header.from", from);
        published.ifPresent(p -> words.add("policy.dmarc=" + p.keyword()));
        return words;
    }

    // RFC 8601 2.7.3: policy.iprev is the client address; the verified name goes in a comment
    private static List<String> iprev(IprevResult result) {
        List<String> words = new ArrayList<>();
        words.add("iprev=" + result.verdict().keyword());
        words.add("policy.iprev=" + ResultSyntax.value(ResultSyntax.ip(result.clientIp())));
        if (result.verdict() == IprevVerdict.PASS) {
            words.addAll(ResultSyntax.comment(result.name().orElseThrow()));
        } else {
            words.addAll(ResultSyntax.comment(result.reason()));
        }
        return words;
    }

    private static void addProperty(List<String> words, String name, String value) {
        if (!value.isEmpty()) {
            words.add(name + "=" + ResultSyntax.value(value));
        }
    }

    private static String strip(String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        return d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
    }

    /** Splits {@code word} at each space that has a non-white-space character on both sides. */
    private static void breakable(String word, List<String> pieces) {
        int start = 0;
        for (int i = 1; i + 1 < word.length(); i++) {
            if (word.charAt(i) == ' ' && !white(word.charAt(i - 1)) && !white(word.charAt(i + 1))) {
                pieces.add(word.substring(start, i));
                start = i + 1;
            }
        }
        pieces.add(start == 0 ? word : word.substring(start));
    }

    /** What {@code \s} matches in a regular expression: space, tab, LF, VT, FF, CR. */
    private static boolean white(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r';
    }

    /** RFC 8601 2.2: {@code authserv-id; resinfo; resinfo}, or {@code authserv-id; none} when nothing was checked. */
    static String fold(String authservId, List<List<String>> results) {
        StringBuilder out = new StringBuilder(authservId);
        if (results.isEmpty()) {
            return out.append("; none").toString();
        }
        for (List<String> words : results) {
            out.append(";\r\n\t");
            int column = 1;
            boolean first = true;
            // break only at single spaces between other characters: every space written is a separator, or
            // inside a comment or quoted-string, where FWS is allowed and unfolding gives back the same text
            List<String> pieces = new ArrayList<>();
            words.forEach(w -> breakable(w, pieces));
            for (String word : pieces) {
                if (first) {
                    first = false;
                } else if (column + 1 + word.length() > LINE) {
                    out.append("\r\n\t");
                    column = 1;
                } else {
                    out.append(' ');
                    column++;
                }
                out.append(word);
                column += word.length();
            }
        }
        return out.toString();
    }
}
