package org.bastionmail.dkim;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A parsed DKIM-Signature header field (RFC 6376 3.5), checked for the rules that need no key and no clock.
 *
 * @param algorithm the {@code a=} value, lower case (possibly one Bastion does not accept)
 * @param signedHeaders the {@code h=} names in order, lower case
 * @param bodyLength {@code l=}, if present
 */
record DkimSignature(
        String algorithm,
        byte[] signature,
        byte[] bodyHash,
        Canonicalization headerCanonicalization,
        Canonicalization bodyCanonicalization,
        String domain,
        String selector,
        String identity,
        List<String> signedHeaders,
        OptionalLong bodyLength,
        OptionalLong timestamp,
        OptionalLong expiry) {
    static final int MAX_SIGNED_HEADERS = 256;

    /** What can be read from a signature even when it is broken, for reporting. */
    record Labels(String domain, String selector, String algorithm, String identity) {
        static Labels of(String rawValue) {
            try {
                TagList tags = TagList.parse(rawValue);
                String d = tags.get("d").map(v -> v.toLowerCase(Locale.ROOT)).orElse("");
                return new Labels(d, tags.get("s").orElse(""),
                        tags.get("a").map(v -> v.toLowerCase(Locale.ROOT)).orElse(""),
                        tags.get("i").orElse(d.isEmpty() ? "" : "@" + d));
            } catch (DkimFailure e) {
                return new Labels("", "", "", "");
            }
        }
    }

    static DkimSignature parse(String rawValue) throws DkimFailure {
        TagList tags = TagList.parse(rawValue);
        // RFC 6376 6.1.1: v= must be "1"; the required tags are v, a, b, bh, d, h, s
        if (!tags.require("v").equals("1")) {
            throw DkimFailure.perm("unsupported version v=" + TagList.abbreviate(tags.require("v")));
        }
        String algorithm = tags.require("a").toLowerCase(Locale.ROOT);
        byte[] signature = base64(tags.require("b"), "b");
        byte[] bodyHash = base64(tags.require("bh"), "bh");
        String domain = tags.require("d").toLowerCase(Locale.ROOT);
        String selector = tags.require("s");
        checkDomain(domain, "d");
        checkDomain(selector, "s");
        List<String> signedHeaders = headerList(tags.require("h"));

        Canonicalization headerC = Canonicalization.SIMPLE;
        Canonicalization bodyC = Canonicalization.SIMPLE;
        Optional<String> c = tags.get("c");
        if (c.isPresent()) {
            String[] parts = c.get().split("/", -1);
            if (parts.length > 2) {
                throw DkimFailure.perm("bad c=" + TagList.abbreviate(c.get()));
            }
            headerC = Canonicalization.ofTag(parts[0]);
            // RFC 6376 3.5 c=: a lone algorithm names the header canonicalisation; the body's is then simple
            bodyC = parts.length == 2 ? Canonicalization.ofTag(parts[1]) : Canonicalization.SIMPLE;
        }

        // RFC 6376 3.5 i=: defaults to "@" d; its domain must be d or a subdomain of it (6.1.1)
        String identity = tags.get("i").map(TagList::withoutFws).orElse("@" + domain);
        int at = identity.lastIndexOf('@');
        if (at < 0) {
            throw DkimFailure.perm("i= without '@'");
        }
        String identityDomain = identity.substring(at + 1).toLowerCase(Locale.ROOT);
        if (!identityDomain.equals(domain) && !identityDomain.endsWith("." + domain)) {
            throw DkimFailure.perm("i= domain " + TagList.abbreviate(identityDomain) + " is not within d=" + domain);
        }

        Optional<String> q = tags.get("q");
        if (q.isPresent() && !List.of(TagList.withoutFws(q.get()).toLowerCase(Locale.ROOT).split(":")).contains("dns/txt")) {
            throw DkimFailure.perm("no supported query method in q=");
        }
        OptionalLong bodyLength = number(tags, "l", 76);
        OptionalLong timestamp = number(tags, "t", 12);
        OptionalLong expiry = number(tags, "x", 12);
        // RFC 6376 3.5 x=: the expiry MUST be later than the timestamp
        if (timestamp.isPresent() && expiry.isPresent() && expiry.getAsLong() <= timestamp.getAsLong()) {
            throw DkimFailure.perm("x= is not later than t=");
        }
        return new DkimSignature(algorithm, signature, bodyHash, headerC, bodyC, domain, selector, identity,
                signedHeaders, bodyLength, timestamp, expiry);
    }

    private static List<String> headerList(String value) throws DkimFailure {
        List<String> names = new ArrayList<>();
        for (String part : TagList.withoutFws(value).split(":", -1)) {
            if (part.isEmpty()) {
                throw DkimFailure.perm("empty header name in h=");
            }
            if (names.size() >= MAX_SIGNED_HEADERS) {
                throw DkimFailure.perm("more than " + MAX_SIGNED_HEADERS + " names in h=");
            }
            names.add(part.toLowerCase(Locale.ROOT));
        }
        // RFC 6376 5.4, 6.1.1: a signature that does not cover From MUST be ignored
        if (!names.contains("from")) {
            throw DkimFailure.perm("From is not signed");
        }
        return List.copyOf(names);
    }

    static byte[] base64(String value, String tag) throws DkimFailure {
        String compact = TagList.withoutFws(value);
        if (compact.isEmpty()) {
            throw DkimFailure.perm("empty " + tag + "=");
        }
        try {
            return Base64.getDecoder().decode(compact);
        } catch (IllegalArgumentException e) {
            throw DkimFailure.perm("bad base64 in " + tag + "=");
        }
    }

    // Digits only, bounded: RFC 6376 3.5 allows up to 76 digits for l= and 12 for t= and x=; anything past a
    // long is capped, which still compares correctly against any real body length or clock
    private static OptionalLong number(TagList tags, String name, int maxDigits) throws DkimFailure {
        Optional<String> value = tags.get(name);
        if (value.isEmpty()) {
            return OptionalLong.empty();
        }
        String v = value.get();
        if (v.isEmpty() || v.length() > maxDigits || !v.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            throw DkimFailure.perm("bad number in " + name + "=");
        }
        return OptionalLong.of(v.length() > 18 ? Long.MAX_VALUE : Long.parseLong(v));
    }

    // Labels of letters, digits, '-' and '_' (selectors and DKIM key names use '_'), at most 253 characters
    private static void checkDomain(String name, String tag) throws DkimFailure {
        if (name.isEmpty() || name.length() > 253 || name.startsWith(".") || name.endsWith(".") || name.contains("..")) {
            throw DkimFailure.perm("bad " + tag + "=" + TagList.abbreviate(name));
        }
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            boolean ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')
                    || ch == '-' || ch == '_' || ch == '.';
            if (!ok) {
                throw DkimFailure.perm("bad " + tag + "=" + TagList.abbreviate(name));
            }
        }
    }
}
