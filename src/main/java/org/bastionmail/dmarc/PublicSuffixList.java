package org.bastionmail.dmarc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The Public Suffix List (https://publicsuffix.org/list/), used to find a domain's organisational domain
 * (RFC 7489 3.2). Rules are matched on Unicode labels in lower case; the list's algorithm: the longest
 * matching rule wins, an exception rule ({@code !}) beats a wildcard ({@code *.}), and with no match the
 * implicit rule {@code *} applies.
 */
public final class PublicSuffixList {
    private static final String BUNDLED = "public_suffix_list.dat";
    private static final int MAX_RULES = 100_000;

    private final Set<String> rules;
    private final Set<String> wildcards;
    private final Set<String> exceptions;

    private PublicSuffixList(Set<String> rules, Set<String> wildcards, Set<String> exceptions) {
        this.rules = rules;
        this.wildcards = wildcards;
        this.exceptions = exceptions;
    }

    /** The copy shipped with Bastion. */
    public static PublicSuffixList bundled() {
        try (InputStream in = PublicSuffixList.class.getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new IllegalStateException("the bundled public suffix list is missing from the jar");
            }
            return parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A list from a file, e.g. a fresher copy kept by the operating system. */
    public static PublicSuffixList load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in);
        }
    }

    static PublicSuffixList parse(InputStream in) throws IOException {
        Set<String> rules = new HashSet<>();
        Set<String> wildcards = new HashSet<>();
        Set<String> exceptions = new HashSet<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        int count = 0;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            // Each line is only read up to the first whitespace; "//" starts a comment.
            String rule = line.strip().split("\\s", 2)[0];
            if (rule.isEmpty() || rule.startsWith("//")) {
                continue;
            }
            if (++count > MAX_RULES) {
                throw new IOException("public suffix list has more than " + MAX_RULES + " rules");
            }
            rule = rule.toLowerCase(Locale.ROOT);
            if (rule.startsWith("!")) {
                exceptions.add(rule.substring(1));
            } else if (rule.startsWith("*.")) {
                wildcards.add(rule.substring(2));
            } else {
                rules.add(rule);
            }
        }
        if (count == 0) {
            throw new IOException("public suffix list is empty");
        }
        return new PublicSuffixList(Set.copyOf(rules), Set.copyOf(wildcards), Set.copyOf(exceptions));
    }

    /** The public suffix of {@code domain} (e.g. {@code co.uk} for {@code mail.example.co.uk}). */
    public String publicSuffix(String domain) {
        String[] labels = normalise(domain).split("\\.");
        int suffixLabels = 1; // the implicit "*" rule
        for (int i = 0; i < labels.length; i++) {
            String candidate = join(labels, i);
            int length = labels.length - i;
            if (exceptions.contains(candidate)) {
                // An exception rule's suffix is the rule minus its leftmost label, and it wins outright.
                return join(labels, i + 1);
            }
            if (rules.contains(candidate) && length > suffixLabels) {
                suffixLabels = length;
            }
            if (i + 1 < labels.length && wildcards.contains(join(labels, i + 1)) && length > suffixLabels) {
                suffixLabels = length;
            }
        }
        return join(labels, labels.length - Math.min(suffixLabels, labels.length));
    }

    /**
     * The organisational domain (RFC 7489 3.2): the public suffix plus one label; a domain that is itself
     * a public suffix is its own organisational domain.
     */
    public String organizationalDomain(String domain) {
        String name = normalise(domain);
        String suffix = publicSuffix(name);
        if (name.equals(suffix)) {
            return name;
        }
        String rest = name.substring(0, name.length() - suffix.length() - 1);
        int dot = rest.lastIndexOf('.');
        return rest.substring(dot + 1) + "." + suffix;
    }

    private static String normalise(String domain) {
        String name = domain.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        try {
            // The list holds U-labels; mail may carry A-labels ("xn--").
            return IDN.toUnicode(name, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return name;
        }
    }

    private static String join(String[] labels, int from) {
        return String.join(".", java.util.Arrays.copyOfRange(labels, from, labels.length));
    }
}
