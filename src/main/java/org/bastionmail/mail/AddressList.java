package org.bastionmail.mail;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Extracts the mailboxes of an RFC 5322 3.4 address-list (a From: field): display names, comments,
 * quoted strings, angle addresses and groups. Display names and comments are skipped, not decoded.
 */
public final class AddressList {
    private static final int MAX_TOKENS = 10_000;
    private static final String SPECIALS = "()<>[]:;@\\,.\"";

    private enum Kind { ATOM, QUOTED, LITERAL, SPECIAL }

    private record Token(Kind kind, String text) {
        boolean is(char c) {
            return kind == Kind.SPECIAL && text.charAt(0) == c;
        }
    }

    private AddressList() {}

    /** The mailboxes in {@code value}, or empty when it is not a valid address list. */
    public static Optional<List<MailAddress>> parse(String value) {
        Optional<List<Token>> tokens = tokenize(value);
        if (tokens.isEmpty()) {
            return Optional.empty();
        }
        List<MailAddress> addresses = new ArrayList<>();
        List<Token> element = new ArrayList<>();
        List<Token> angle = null;
        boolean afterAngle = false;
        boolean inGroup = false;
        List<Token> all = tokens.get();
        for (int i = 0; i < all.size(); i++) {
            Token t = all.get(i);
            if (t.is('<')) {
                if (angle != null || afterAngle) {
                    return Optional.empty();
                }
                angle = new ArrayList<>();
                int j = i + 1;
                while (j < all.size() && !all.get(j).is('>')) {
                    angle.add(all.get(j++));
                }
                if (j == all.size()) {
                    return Optional.empty();
                }
                i = j;
                afterAngle = true;
            } else if (t.is(':') && !inGroup && angle == null) {
                // group = display-name ":" [group-list] ";" (RFC 5322 3.4)
                inGroup = true;
                element.clear();
            } else if (t.is(',') || (t.is(';') && inGroup)) {
                if (!finish(element, angle, addresses)) {
                    return Optional.empty();
                }
                if (t.is(';')) {
                    inGroup = false;
                }
                element.clear();
                angle = null;
                afterAngle = false;
            } else if (afterAngle) {
                return Optional.empty();
            } else {
                element.add(t);
            }
        }
        if (inGroup || !finish(element, angle, addresses)) {
            return Optional.empty();
        }
        return Optional.of(addresses);
    }

    private static boolean finish(List<Token> element, List<Token> angle, List<MailAddress> out) {
        if (angle != null) {
            Optional<MailAddress> a = addrSpec(angle);
            a.ifPresent(out::add);
            return a.isPresent();
        }
        if (element.isEmpty()) {
            return true; // an empty list element (RFC 5322 4.4 obs-mbox-list) or an empty group
        }
        Optional<MailAddress> a = addrSpec(element);
        a.ifPresent(out::add);
        return a.isPresent();
    }

    /** addr-spec = local-part "@" domain, from tokens (RFC 5322 3.4.1). */
    private static Optional<MailAddress> addrSpec(List<Token> t) {
        int at = -1;
        for (int i = 0; i < t.size(); i++) {
            if (t.get(i).is('@')) {
                if (at >= 0) {
                    return Optional.empty();
                }
                at = i;
            }
        }
        if (at <= 0 || at == t.size() - 1) {
            return Optional.empty();
        }
        Optional<String> local = dotted(t.subList(0, at), true);
        List<Token> domainTokens = t.subList(at + 1, t.size());
        Optional<String> domain = domainTokens.size() == 1 && domainTokens.getFirst().kind() == Kind.LITERAL
                ? Optional.of(domainTokens.getFirst().text())
                : dotted(domainTokens, false);
        if (local.isEmpty() || domain.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new MailAddress(local.get(), domain.get()));
    }

    /** word *("." word), words being atoms (and quoted strings in a local part). */
    private static Optional<String> dotted(List<Token> t, boolean quotedAllowed) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < t.size(); i++) {
            Token token = t.get(i);
            boolean wordExpected = i % 2 == 0;
            if (wordExpected) {
                if (token.kind() != Kind.ATOM && !(quotedAllowed && token.kind() == Kind.QUOTED)) {
                    return Optional.empty();
                }
                sb.append(token.text());
            } else {
                if (!token.is('.')) {
                    return Optional.empty();
                }
                sb.append('.');
            }
        }
        return t.size() % 2 == 1 ? Optional.of(sb.toString()) : Optional.empty();
    }

    private static Optional<List<Token>> tokenize(String s) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            if (tokens.size() > MAX_TOKENS) {
                return Optional.empty();
            }
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                i++;
            } else if (c == '(') {
                // comment, nested, with quoted-pairs (RFC 5322 3.2.2)
                int depth = 0;
                do {
                    if (i >= s.length()) {
                        return Optional.empty();
                    }
                    char d = s.charAt(i);
                    if (d == '\\') {
                        i++;
                    } else if (d == '(') {
                        depth++;
                    } else if (d == ')') {
                        depth--;
                    }
                    i++;
                } while (depth > 0);
            } else if (c == '"') {
                StringBuilder q = new StringBuilder();
                i++;
                while (true) {
                    if (i >= s.length()) {
                        return Optional.empty();
                    }
                    char d = s.charAt(i);
                    if (d == '"') {
                        i++;
                        break;
                    }
                    if (d == '\\' && i + 1 < s.length()) {
                        d = s.charAt(++i);
                    }
                    q.append(d);
                    i++;
                }
                tokens.add(new Token(Kind.QUOTED, q.toString()));
            } else if (c == '[') {
                int end = s.indexOf(']', i);
                if (end < 0) {
                    return Optional.empty();
                }
                tokens.add(new Token(Kind.LITERAL, s.substring(i, end + 1)));
                i = end + 1;
            } else if (SPECIALS.indexOf(c) >= 0) {
                if (c == ')' || c == ']' || c == '\\') {
                    return Optional.empty();
                }
                tokens.add(new Token(Kind.SPECIAL, String.valueOf(c)));
                i++;
            } else {
                int start = i;
                while (i < s.length() && SPECIALS.indexOf(s.charAt(i)) < 0 && s.charAt(i) > ' ' && s.charAt(i) != 127) {
                    i++;
                }
                if (i == start) {
                    return Optional.empty(); // a control character
                }
                tokens.add(new Token(Kind.ATOM, s.substring(start, i)));
            }
        }
        return Optional.of(tokens);
    }
}
