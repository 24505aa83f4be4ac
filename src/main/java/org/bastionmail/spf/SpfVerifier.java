package org.bastionmail.spf;

import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.bastionmail.dns.DnsResolver;

/**
 * Checks whether a client may send mail for a domain, by the domain's SPF policy (RFC 7208).
 *
 * <p>Both identities of RFC 7208 2.3 and 2.4 are checked the same way: the HELO name with
 * {@link #checkHelo}, the MAIL FROM address with {@link #checkMailFrom} (which checks
 * {@code postmaster@<helo>} for the null reverse-path). Every check is bounded: at most 10 mechanisms that
 * query DNS, 2 void lookups, 10 MX and 10 PTR names each (RFC 7208 4.6.4), and a time budget. Thread-safe;
 * each check runs on the calling thread.
 */
public final class SpfVerifier {
    private static final int MAX_REASON = 500;
    private final DnsResolver dns;
    private final Clock clock;
    private final SpfSettings settings;

    public SpfVerifier(DnsResolver dns, Clock clock, SpfSettings settings) {
        this.dns = Objects.requireNonNull(dns, "dns");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** A verifier with the RFC's limits, for a server named {@code receivingHost} (the %{r} macro). */
    public SpfVerifier(DnsResolver dns, Clock clock, String receivingHost) {
        this(dns, clock, SpfSettings.defaults(receivingHost));
    }

    /**
     * Checks the MAIL FROM identity (RFC 7208 2.4). An empty {@code sender} (the null reverse-path) checks
     * {@code postmaster@helo} instead; a sender without a local part gets "postmaster" (RFC 7208 4.3).
     */
    public SpfResult checkMailFrom(InetAddress ip, String sender, String helo) {
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(helo, "helo");
        if (sender.isEmpty()) {
            return check(SpfIdentity.MAILFROM, ip, "postmaster", helo, helo);
        }
        int at = sender.lastIndexOf('@');
        String local = at < 0 ? "" : sender.substring(0, at);
        String domain = at < 0 ? sender : sender.substring(at + 1);
        return check(SpfIdentity.MAILFROM, ip, local, domain, helo);
    }

    /** Checks the HELO identity (RFC 7208 2.3): the policy of the HELO name, for {@code postmaster@helo}. */
    public SpfResult checkHelo(InetAddress ip, String helo) {
        Objects.requireNonNull(helo, "helo");
        return check(SpfIdentity.HELO, ip, "postmaster", helo, helo);
    }

    private SpfResult check(SpfIdentity identity, InetAddress clientIp, String local, String domain, String helo) {
        Objects.requireNonNull(clientIp, "ip");
        InetAddress ip = Network.normalize(clientIp);
        String localPart = local.isEmpty() ? "postmaster" : local; // RFC 7208 4.3
        String sender = localPart + "@" + domain;
        if (!DomainNames.isCheckableDomain(domain)) {
            // RFC 7208 4.3: a malformed or single-label domain gives none, without any lookup
            return new SpfResult(SpfVerdict.NONE, Optional.empty(), "'" + Evaluation.printable(domain, 80)
                    + "' is not a domain name that can be checked", Optional.empty(), List.of(), identity,
                    domain, sender, ip, helo);
        }
        String name = DomainNames.stripDot(domain);
        Evaluation evaluation = new Evaluation(dns, settings, clock, ip, sender, localPart, name, helo);
        try {
            Evaluation.Outcome outcome = evaluation.checkHost(name, 0);
            Optional<String> explanation = outcome.verdict() == SpfVerdict.FAIL
                    ? Optional.of(evaluation.explain(outcome)) : Optional.empty();
            return new SpfResult(outcome.verdict(), explanation, Evaluation.printable(outcome.reason(), MAX_REASON),
                    outcome.mechanism().map(Mechanism::text), evaluation.lookups(), identity, domain, sender, ip,
                    helo);
        } catch (SpfAbort e) {
            return new SpfResult(e.verdict(), Optional.empty(), Evaluation.printable(e.getMessage(), MAX_REASON),
                    Optional.empty(),
                    evaluation.lookups(), identity, domain, sender, ip, helo);
        }
    }
}
