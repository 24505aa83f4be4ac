package org.bastionmail.spf;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A parsed SPF record (RFC 7208 4.5, 4.6, 12): its mechanisms in order and the redirect= and exp= modifiers.
 * The whole record is checked before any of it is evaluated (RFC 7208 4.6: syntax errors anywhere give
 * permerror).
 */
record SpfRecord(List<Mechanism> mechanisms, Optional<MacroString> redirect, Optional<MacroString> explanation) {
    /** The longest record accepted; longer ones are far beyond anything DNS answers usefully carry. */
    static final int MAX_LENGTH = 8192;

    private static final Pattern MODIFIER_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9._-]*");

    SpfRecord {
        mechanisms = List.copyOf(mechanisms);
    }

    /** RFC 7208 4.5: a record is a TXT string that is "v=spf1" alone or followed by a space, in any case. */
    static boolean isSpfRecord(String txt) {
        return txt.regionMatches(true, 0, "v=spf1", 0, 6) && (txt.length() == 6 || txt.charAt(6) == ' ');
    }

    static SpfRecord parse(String record) throws SpfSyntaxException {
        if (!isSpfRecord(record)) {
            throw new SpfSyntaxException("not an SPF record");
        }
        if (record.length() > MAX_LENGTH) {
            throw new SpfSyntaxException("record longer than " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < record.length(); i++) {
            char c = record.charAt(i);
            if (c < 0x20 || c > 0x7e) { // RFC 7208 3.1 (ASCII), 4.6.1 (terms separated by spaces only)
                throw new SpfSyntaxException("character 0x" + Integer.toHexString(c) + " in record");
            }
        }
        List<Mechanism> mechanisms = new ArrayList<>();
        MacroString redirect = null;
        MacroString explanation = null;
        for (String term : record.substring(6).split(" ")) {
            if (term.isEmpty()) {
                continue; // RFC 7208 4.6.1: terms are separated by one or more spaces; trailing spaces allowed
            }
            int eq = term.indexOf('=');
            if (eq > 0 && MODIFIER_NAME.matcher(term.substring(0, eq)).matches()) {
                String name = term.substring(0, eq).toLowerCase(Locale.ROOT);
                String value = term.substring(eq + 1);
                switch (name) {
                    case "redirect" -> {
                        if (redirect != null) {
                            throw new SpfSyntaxException("redirect= given twice"); // RFC 7208 6
                        }
                        redirect = domainSpec(value, term);
                    }
                    case "exp" -> {
                        if (explanation != null) {
                            throw new SpfSyntaxException("exp= given twice"); // RFC 7208 6
                        }
                        explanation = domainSpec(value, term);
                    }
                    // RFC 7208 6: unknown modifiers are ignored, but must be well formed
                    default -> MacroString.parse(value, MacroString.Use.UNKNOWN_MODIFIER);
                }
                continue;
            }
            mechanisms.add(mechanism(term));
        }
        return new SpfRecord(mechanisms, Optional.ofNullable(redirect), Optional.ofNullable(explanation));
    }

    private static Mechanism mechanism(String term) throws SpfSyntaxException {
        Qualifier qualifier = Qualifier.of(term.charAt(0));
        String body = qualifier == null ? term : term.substring(1);
        if (qualifier == null) {
            qualifier = Qualifier.PASS; // RFC 7208 4.6.2: the default qualifier is "+"
        }
        int end = 0;
        while (end < body.length() && body.charAt(end) != ':' && body.charAt(end) != '/') {
            end++;
        }
        String name = body.substring(0, end).toLowerCase(Locale.ROOT);
        String rest = body.substring(end);
        return switch (name) {
            case "all" -> {
                if (!rest.isEmpty()) {
                    throw new SpfSyntaxException("'all' takes no argument: " + term);
                }
                yield new Mechanism.All(qualifier, term);
            }
            case "include" -> new Mechanism.Include(qualifier, term, requiredDomain(rest, term));
            case "exists" -> new Mechanism.Exists(qualifier, term, requiredDomain(rest, term));
            case "ptr" -> new Mechanism.Ptr(qualifier, term, optionalDomain(rest, term));
            case "a", "mx" -> {
                // RFC 7208 5.3, 5.4: [ ":" domain-spec ] [ dual-cidr-length ], cidr lengths taken from the end
                String spec = rest;
                int cidr6 = 128;
                int cidr4 = 32;
                int dd = spec.lastIndexOf("//");
                if (dd >= 0 && isDigits(spec.substring(dd + 2))) {
                    cidr6 = Network.parseNumber(spec.substring(dd + 2), 128, term);
                    spec = spec.substring(0, dd);
                }
                int d = spec.lastIndexOf('/');
                if (d >= 0 && isDigits(spec.substring(d + 1))) {
                    cidr4 = Network.parseNumber(spec.substring(d + 1), 32, term);
                    spec = spec.substring(0, d);
                }
                Optional<MacroString> domain = optionalDomain(spec, term);
                yield name.equals("a") ? new Mechanism.A(qualifier, term, domain, cidr4, cidr6)
                        : new Mechanism.Mx(qualifier, term, domain, cidr4, cidr6);
            }
            case "ip4" -> {
                String value = argument(rest, term);
                int slash = value.indexOf('/');
                String address = slash < 0 ? value : value.substring(0, slash);
                int prefix = slash < 0 ? 32 : Network.parseNumber(value.substring(slash + 1), 32, term);
                yield new Mechanism.Ip(qualifier, term, new Network(Network.parseIp4(address), prefix));
            }
            case "ip6" -> {
                String value = argument(rest, term);
                int slash = value.indexOf('/');
                String address = slash < 0 ? value : value.substring(0, slash);
                int prefix = slash < 0 ? 128 : Network.parseNumber(value.substring(slash + 1), 128, term);
                yield new Mechanism.Ip(qualifier, term, new Network(Network.parseIp6(address), prefix));
            }
            default -> throw new SpfSyntaxException("unknown mechanism '" + MacroString.abbreviate(term) + "'");
        };
    }

    private static boolean isDigits(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static String argument(String rest, String term) throws SpfSyntaxException {
        if (!rest.startsWith(":") || rest.length() == 1) {
            throw new SpfSyntaxException("missing argument: " + MacroString.abbreviate(term));
        }
        return rest.substring(1);
    }

    private static MacroString requiredDomain(String rest, String term) throws SpfSyntaxException {
        return domainSpec(argument(rest, term), term);
    }

    private static Optional<MacroString> optionalDomain(String rest, String term) throws SpfSyntaxException {
        if (rest.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(domainSpec(argument(rest, term), term));
    }

    /** RFC 7208 7.1: domain-spec = macro-string domain-end; domain-end = ( "." toplabel [ "." ] ) / macro-expand. */
    static MacroString domainSpec(String value, String term) throws SpfSyntaxException {
        if (value.isEmpty()) {
            throw new SpfSyntaxException("empty domain in " + MacroString.abbreviate(term));
        }
        MacroString spec = MacroString.parse(value, MacroString.Use.DOMAIN);
        if (!spec.endsWithMacro()) {
            String name = DomainNames.stripDot(value);
            int dot = name.lastIndexOf('.');
            if (dot < 0 || !DomainNames.isTopLabel(name.substring(dot + 1))) {
                throw new SpfSyntaxException("bad domain '" + MacroString.abbreviate(value) + "' in "
                        + MacroString.abbreviate(term));
            }
        }
        return spec;
    }
}
