package org.bastionmail.spf;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.bastionmail.dns.DnsResolver;
import org.bastionmail.dns.DnsResolver.MxRecord;
import org.bastionmail.dns.Lookup;

/**
 * One SPF check: check_host() of RFC 7208 4 with its include/redirect recursion, the processing limits of
 * RFC 7208 4.6.4 and the macro values of RFC 7208 7.3. Not thread-safe; one instance per check.
 */
final class Evaluation {
    /** RFC 7208 4.6.4: at most 10 MX names, and at most 10 PTR names are looked at. */
    static final int MAX_MX_NAMES = 10;
    static final int MAX_PTR_NAMES = 10;
    /** Include/redirect nesting; the lookup limit already bounds it, this guards against a raised limit. */
    static final int MAX_DEPTH = 20;
    private static final int MAX_SUMMARY = 200;

    /** How check_host() ended without an error, and which exp= applies if it is a fail (RFC 7208 6.2). */
    record Outcome(SpfVerdict verdict, String reason, Optional<Mechanism> mechanism, String domain,
                   Optional<MacroString> explanation) {}

    private final DnsResolver dns;
    private final SpfSettings settings;
    private final Clock clock;
    private final Instant deadline;
    private final InetAddress ip;
    private final String sender;
    private final String localPart;
    private final String senderDomain;
    private final String helo;
    private final List<String> lookups = new ArrayList<>();
    private int dnsTerms;
    private int voidLookups;
    private List<String> validatedNames;

    Evaluation(DnsResolver dns, SpfSettings settings, Clock clock, InetAddress ip, String sender, String localPart,
               String senderDomain, String helo) {
        this.dns = dns;
        this.settings = settings;
        this.clock = clock;
        this.deadline = clock.instant().plus(settings.timeBudget());
        this.ip = ip;
        this.sender = sender;
        this.localPart = localPart;
        this.senderDomain = senderDomain;
        this.helo = helo;
    }

    List<String> lookups() {
        return lookups;
    }

    /** RFC 7208 4: check_host(ip, domain, sender). */
    Outcome checkHost(String domain, int depth) throws SpfAbort {
        if (depth > MAX_DEPTH) {
            throw new SpfAbort(SpfVerdict.PERMERROR, "include/redirect nesting deeper than " + MAX_DEPTH);
        }
        Optional<SpfRecord> found = record(domain);
        if (found.isEmpty()) {
            return new Outcome(SpfVerdict.NONE, "no SPF record at " + domain, Optional.empty(), domain,
                    Optional.empty());
        }
        SpfRecord record = found.get();
        for (Mechanism mechanism : record.mechanisms()) {
            if (matches(mechanism, domain, depth)) {
                SpfVerdict verdict = mechanism.qualifier().verdict();
                return new Outcome(verdict, "matched " + mechanism.text() + " in the record of " + domain,
                        Optional.of(mechanism), domain, record.explanation());
            }
        }
        if (record.redirect().isPresent()) {
            // RFC 7208 6.1: redirect applies when no mechanism matched; its exp= replaces ours
            countDnsTerm("redirect=" + record.redirect().get().text());
            String target = expandDomain(record.redirect().get(), domain);
            Outcome redirected = DomainNames.isQueryable(target) ? checkHost(target, depth + 1)
                    : new Outcome(SpfVerdict.NONE, "", Optional.empty(), target, Optional.empty());
            if (redirected.verdict() == SpfVerdict.NONE) {
                throw new SpfAbort(SpfVerdict.PERMERROR, "redirect from " + domain + " to " + target
                        + " which has no SPF record"); // RFC 7208 6.1
            }
            return redirected;
        }
        // RFC 7208 4.7: no match and no redirect
        return new Outcome(SpfVerdict.NEUTRAL, "no mechanism matched in the record of " + domain
                + " (default neutral)", Optional.empty(), domain, Optional.empty());
    }

    /** RFC 7208 4.4, 4.5: the single v=spf1 TXT record of a domain. */
    private Optional<SpfRecord> record(String domain) throws SpfAbort {
        Lookup<List<String>> answer = query("TXT", domain, () -> dns.txt(domain),
                records -> records.stream().map(r -> '"' + r + '"').collect(Collectors.joining(" ")));
        List<String> records = switch (answer) {
            case Lookup.Found<List<String>> f -> f.records();
            case Lookup.Failed<List<String>> f -> throw new SpfAbort(SpfVerdict.TEMPERROR,
                    "DNS lookup of TXT " + domain + " failed: " + f.reason());
            default -> List.of();
        };
        List<String> spf = records.stream().filter(SpfRecord::isSpfRecord).toList();
        if (spf.isEmpty()) {
            return Optional.empty();
        }
        if (spf.size() > 1) {
            throw new SpfAbort(SpfVerdict.PERMERROR, domain + " has " + spf.size() + " SPF records");
        }
        try {
            return Optional.of(SpfRecord.parse(spf.getFirst()));
        } catch (SpfSyntaxException e) {
            throw new SpfAbort(SpfVerdict.PERMERROR, "syntax error in the record of " + domain + ": "
                    + e.getMessage());
        }
    }

    private boolean matches(Mechanism mechanism, String domain, int depth) throws SpfAbort {
        if (mechanism.queriesDns()) {
            countDnsTerm(mechanism.text());
        }
        return switch (mechanism) {
            case Mechanism.All all -> true;
            case Mechanism.Ip m -> m.network().contains(ip);
            case Mechanism.Include m -> include(m, domain, depth);
            case Mechanism.A m -> {
                String target = target(m.domain(), domain);
                yield DomainNames.isQueryable(target) && addressesMatch(target, m.cidr4(), m.cidr6(), true);
            }
            case Mechanism.Mx m -> mx(target(m.domain(), domain), m.cidr4(), m.cidr6());
            case Mechanism.Ptr m -> ptr(target(m.domain(), domain));
            case Mechanism.Exists m -> {
                // RFC 7208 5.7: an A query whatever the client's address family
                String target = expandDomain(m.domain(), domain);
                if (!DomainNames.isQueryable(target)) {
                    yield false;
                }
                Lookup<List<InetAddress>> answer = countVoid(addresses(target, true), target);
                if (answer instanceof Lookup.Failed<List<InetAddress>> failed) {
                    throw new SpfAbort(SpfVerdict.TEMPERROR, "DNS lookup of A " + target + " failed: "
                            + failed.reason());
                }
                yield answer instanceof Lookup.Found<?>;
            }
        };
    }

    /** RFC 7208 5.2: pass matches; fail, softfail and neutral do not; errors and none end the check. */
    private boolean include(Mechanism.Include m, String domain, int depth) throws SpfAbort {
        String target = expandDomain(m.domain(), domain);
        Outcome included = DomainNames.isQueryable(target) ? checkHost(target, depth + 1)
                : new Outcome(SpfVerdict.NONE, "", Optional.empty(), target, Optional.empty());
        return switch (included.verdict()) {
            case PASS -> true;
            case FAIL, SOFTFAIL, NEUTRAL -> false;
            case NONE -> throw new SpfAbort(SpfVerdict.PERMERROR, m.text() + " in the record of " + domain
                    + ": " + target + " has no SPF record");
            case TEMPERROR, PERMERROR -> throw new SpfAbort(included.verdict(), included.reason());
        };
    }

    /** RFC 7208 5.4: more than 10 MX names is a permerror (4.6.4); a missing MX is no match, not an A lookup. */
    private boolean mx(String target, int cidr4, int cidr6) throws SpfAbort {
        if (!DomainNames.isQueryable(target)) {
            return false;
        }
        Lookup<List<MxRecord>> answer = query("MX", target, () -> dns.mx(target), records -> records.stream()
                .map(r -> r.preference() + " " + r.exchange()).collect(Collectors.joining(", ")));
        if (answer instanceof Lookup.Failed<List<MxRecord>> failed) {
            throw new SpfAbort(SpfVerdict.TEMPERROR, "DNS lookup of MX " + target + " failed: " + failed.reason());
        }
        if (!(countVoid(answer, target) instanceof Lookup.Found<List<MxRecord>> found)) {
            return false;
        }
        if (found.records().size() > MAX_MX_NAMES) {
            throw new SpfAbort(SpfVerdict.PERMERROR, target + " has " + found.records().size()
                    + " MX records, more than " + MAX_MX_NAMES);
        }
        for (MxRecord mx : found.records()) {
            String exchange = DomainNames.stripDot(mx.exchange());
            if (DomainNames.isQueryable(exchange) && addressesMatch(exchange, cidr4, cidr6, false)) {
                return true;
            }
        }
        return false; // a null MX (RFC 7505, exchange ".") has no addresses
    }

    /** RFC 7208 5.5: a validated PTR name equal to or under the target; DNS errors only skip a name. */
    private boolean ptr(String target) throws SpfAbort {
        Optional<List<String>> names = ptrNames(true);
        if (names.isEmpty()) {
            return false;
        }
        for (String name : names.get()) {
            if (DomainNames.isWithin(name, target) && isValidated(name)) {
                return true;
            }
        }
        return false;
    }

    /** The first 10 PTR names of the client (RFC 7208 4.6.4), or empty when there are none or the lookup failed. */
    private Optional<List<String>> ptrNames(boolean countVoid) throws SpfAbort {
        String display = Network.readable(ip);
        Lookup<List<String>> answer = query("PTR", display, () -> dns.ptr(ip), names -> String.join(", ", names));
        if (countVoid) {
            countVoid(answer, display);
        }
        if (!(answer instanceof Lookup.Found<List<String>> found)) {
            return Optional.empty(); // RFC 7208 5.5: a PTR lookup error makes the mechanism not match
        }
        List<String> names = found.records();
        return Optional.of(names.subList(0, Math.min(names.size(), MAX_PTR_NAMES)).stream()
                .map(DomainNames::stripDot).toList());
    }

    /** Whether a PTR name resolves back to the client address (RFC 7208 5.5). */
    private boolean isValidated(String name) throws SpfAbort {
        if (!DomainNames.isQueryable(name)) {
            return false;
        }
        Lookup<List<InetAddress>> answer = addresses(name, ip instanceof Inet4Address);
        return answer instanceof Lookup.Found<List<InetAddress>> found
                && found.records().stream().anyMatch(a -> Network.normalize(a).equals(ip));
    }

    /** The A or AAAA records of a name, matched against the client with the CIDR length of its family. */
    private boolean addressesMatch(String name, int cidr4, int cidr6, boolean countVoid) throws SpfAbort {
        boolean v4 = ip instanceof Inet4Address;
        Lookup<List<InetAddress>> answer = addresses(name, v4);
        if (countVoid) {
            countVoid(answer, name);
        }
        return switch (answer) {
            case Lookup.Found<List<InetAddress>> found -> found.records().stream()
                    .anyMatch(a -> new Network(a.getAddress(), v4 ? cidr4 : cidr6).contains(ip));
            case Lookup.Failed<List<InetAddress>> failed -> throw new SpfAbort(SpfVerdict.TEMPERROR,
                    "DNS lookup of " + (v4 ? "A " : "AAAA ") + name + " failed: " + failed.reason());
            default -> false;
        };
    }

    private Lookup<List<InetAddress>> addresses(String name, boolean v4) throws SpfAbort {
        Function<List<InetAddress>, String> summary = list -> list.stream().map(Network::readable)
                .collect(Collectors.joining(", "));
        return v4 ? query("A", name, () -> dns.a(name), summary) : query("AAAA", name, () -> dns.aaaa(name), summary);
    }

    private String target(Optional<MacroString> spec, String domain) throws SpfAbort {
        return spec.isEmpty() ? domain : expandDomain(spec.get(), domain);
    }

    /** Expands a domain-spec (RFC 7208 7.3): trailing dot dropped, long names truncated on the left. */
    String expandDomain(MacroString spec, String domain) throws SpfAbort {
        return DomainNames.truncate(DomainNames.stripDot(spec.expand(letter -> macroValue(letter, domain))));
    }

    /** RFC 7208 7.3: the value of each macro letter while evaluating {@code domain}. */
    String macroValue(char letter, String domain) throws SpfAbort {
        return switch (letter) {
            case 's' -> sender;
            case 'l' -> localPart;
            case 'o' -> senderDomain;
            case 'd' -> domain;
            case 'i' -> Network.dotted(ip);
            case 'p' -> validatedName(domain);
            case 'v' -> ip instanceof Inet4Address ? "in-addr" : "ip6";
            case 'h' -> helo;
            case 'c' -> Network.readable(ip);
            case 'r' -> settings.receivingHost().isEmpty() ? "unknown" : settings.receivingHost();
            case 't' -> Long.toString(clock.instant().getEpochSecond());
            default -> throw new SpfAbort(SpfVerdict.PERMERROR, "unknown macro letter " + letter);
        };
    }

    /**
     * %{p} (RFC 7208 7.3): a validated name of the client, preferring the domain itself, then a subdomain of
     * it, then any; "unknown" if none. Its lookups are bounded by the 10-name PTR limit and done once.
     */
    private String validatedName(String domain) throws SpfAbort {
        if (validatedNames == null) {
            List<String> validated = new ArrayList<>();
            for (String name : ptrNames(false).orElse(List.of())) {
                if (isValidated(name)) {
                    validated.add(name);
                }
            }
            validatedNames = validated;
        }
        String d = domain.toLowerCase(Locale.ROOT);
        return validatedNames.stream().filter(n -> n.equalsIgnoreCase(d)).findFirst()
                .or(() -> validatedNames.stream().filter(n -> DomainNames.isWithin(n, d)).findFirst())
                .or(() -> validatedNames.stream().findFirst())
                .orElse("unknown");
    }

    /** RFC 7208 4.6.4: mechanisms and modifiers that query DNS, at most 10 per check. */
    private void countDnsTerm(String term) throws SpfAbort {
        if (++dnsTerms > settings.dnsLookupLimit()) {
            throw new SpfAbort(SpfVerdict.PERMERROR, "more than " + settings.dnsLookupLimit()
                    + " DNS-querying mechanisms (at " + term + ")");
        }
    }

    /** RFC 7208 4.6.4: answers with no records or NXDOMAIN, at most 2 per check. */
    private <T> Lookup<T> countVoid(Lookup<T> answer, String name) throws SpfAbort {
        if (answer.isEmpty() && ++voidLookups > settings.voidLookupLimit()) {
            throw new SpfAbort(SpfVerdict.PERMERROR, "more than " + settings.voidLookupLimit()
                    + " void DNS lookups (at " + name + ")");
        }
        return answer;
    }

    /** Makes one DNS query, within the check's time budget, and notes it for the report. */
    <T> Lookup<T> query(String type, String name, Supplier<Lookup<T>> call, Function<T, String> summary)
            throws SpfAbort {
        if (clock.instant().isAfter(deadline)) {
            throw new SpfAbort(SpfVerdict.TEMPERROR, "SPF check took longer than " + settings.timeBudget());
        }
        Lookup<T> answer = call.get();
        String text = switch (answer) {
            case Lookup.Found<T> f -> summary.apply(f.records());
            case Lookup.NoSuchName<T> n -> "NXDOMAIN";
            case Lookup.NoRecords<T> n -> "no records";
            case Lookup.Failed<T> f -> "failed: " + f.reason();
        };
        lookups.add(printable(type + " " + name + " -> " + text, MAX_SUMMARY));
        return answer;
    }

    /** Text from DNS or the client, made safe for reports and logs: control characters replaced, length capped. */
    static String printable(String s, int max) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length() && out.length() < max; i++) {
            char c = s.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? '?' : c); // records may hold control characters
        }
        return out.length() < s.length() ? out + "..." : out.toString();
    }

    /**
     * RFC 7208 6.2: the explanation of a fail, from the exp= of the record that decided it, or the default.
     * Problems with exp= (DNS, not exactly one record, bad syntax) fall back to the default; its lookup counts
     * against no limit.
     */
    String explain(Outcome outcome) {
        if (outcome.explanation().isPresent()) {
            try {
                String target = expandDomain(outcome.explanation().get(), outcome.domain());
                if (DomainNames.isQueryable(target)) {
                    Lookup<List<String>> answer = query("TXT", target, () -> dns.txt(target),
                            records -> records.stream().map(r -> '"' + r + '"').collect(Collectors.joining(" ")));
                    if (answer instanceof Lookup.Found<List<String>> found && found.records().size() == 1) {
                        MacroString text = MacroString.parse(found.records().getFirst(), MacroString.Use.EXPLANATION);
                        return text.expand(letter -> macroValue(letter, outcome.domain()));
                    }
                }
            } catch (SpfAbort | SpfSyntaxException e) {
                // fall through to the default explanation
            }
        }
        try {
            return MacroString.parse(settings.defaultExplanation(), MacroString.Use.EXPLANATION)
                    .expand(letter -> macroValue(letter, outcome.domain()));
        } catch (SpfAbort | SpfSyntaxException e) {
            return settings.defaultExplanation();
        }
    }
}
