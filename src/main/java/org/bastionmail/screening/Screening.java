package org.bastionmail.screening;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.bastionmail.config.Config;
import org.bastionmail.dns.DnsResolver;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.metrics.Metrics;
import org.bastionmail.net.BurstLog;
import org.bastionmail.net.Cidr;
import org.bastionmail.net.ClientNetwork;
import org.bastionmail.smtp.ClientChecks;
import org.bastionmail.smtp.SmtpMode;
import org.bastionmail.spf.SpfVerdict;
import org.bastionmail.spf.SpfVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client checks of the SMTP listeners ({@code [screening]} and the rate limits of {@code [defence]}):
 * pregreet, pipelining abuse and illegal commands (counted), message rate per client and recipient rate per
 * user, DNS block and allow lists, greylisting. One instance for the server; each session gets its own
 * {@link ClientChecks.Screen}. Every event is counted in {@code bastion_screening_total} and logged once per
 * burst.
 */
public final class Screening implements ClientChecks, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Screening.class);
    static final String METRIC = "bastion_screening_total";

    /** Whether the SPF check of {@code sender} passes, for greylisting's {@code spf_pass_domains}. */
    @FunctionalInterface
    public interface SpfPass {
        boolean passes(InetAddress client, MailAddress sender, String helo);
    }

    final Config.Screening settings;
    final Predicate<InetAddress> exempt;
    final TokenBuckets<ClientNetwork> messages;
    final TokenBuckets<String> recipients;
    final DnsLists lists;
    final Optional<Greylist> greylist;
    final Set<String> spfPassDomains;
    final SpfPass spf;
    final GreetingPasses greetings;
    final Duration dnsWait;
    private final Metrics metrics;
    private final Map<ScreeningEvent, BurstLog> logs = new EnumMap<>(ScreeningEvent.class);

    /**
     * @param exempt clients no check applies to (allow and relay networks)
     * @param dnsWait how long RCPT waits at most for the DNS lists, which are asked when the client connects
     */
    public Screening(Config.Screening settings, Config.Defence defence, Predicate<InetAddress> exempt, DnsLists lists,
            Optional<Greylist> greylist, SpfPass spf, Duration dnsWait, Metrics metrics, Clock clock) {
        this.settings = settings;
        this.exempt = exempt;
        this.messages = new TokenBuckets<>(defence.messageRatePerIp(), clock);
        this.recipients = new TokenBuckets<>(defence.recipientRatePerUser(), clock);
        this.lists = lists;
        this.greylist = greylist;
        this.spfPassDomains = settings.greylisting().spfPassDomains().stream()
                .map(d -> d.toLowerCase(java.util.Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        this.spf = spf;
        this.dnsWait = dnsWait;
        this.greetings = new GreetingPasses(clock);
        this.metrics = metrics;
        metrics.counter(METRIC, "Clients refused, deferred or noticed by screening, per event.");
        for (ScreeningEvent event : ScreeningEvent.values()) {
            logs.put(event, new BurstLog(LOG, clock, Duration.ofSeconds(10)));
        }
    }

    /** The screening {@code config} asks for, with its greylist in the data dir when greylisting is on. */
    public static Screening start(Config config, DnsResolver dns, Metrics metrics) throws IOException {
        Clock clock = Clock.systemUTC();
        Config.Screening settings = config.screening();
        List<Cidr> trusted = java.util.stream.Stream.concat(
                config.defence().allowNetworks().stream().map(Cidr::parse), config.delivery().relayNetworks().stream())
                .toList();
        DnsLists lists = new DnsLists(dns, zones(settings.dnsbl()), zones(settings.dnswl()), clock);
        Optional<Greylist> greylist = settings.greylisting().enabled()
                ? Optional.of(Greylist.open(config.dataDir(), settings.greylisting(), clock))
                : Optional.empty();
        SpfVerifier verifier = new SpfVerifier(dns, clock, config.hostname());
        SpfPass spf = (client, sender, helo) -> verifier.checkMailFrom(client, sender.toString(), helo).verdict()
                == SpfVerdict.PASS;
        Duration dnsWait = config.dns().timeout().multipliedBy(3);
        LOG.info("screening: banner delay {} ms, {} DNS block list(s), {} allow list(s), greylisting {}",
                settings.bannerDelay().toMillis(), settings.dnsbl().size(), settings.dnswl().size(),
                greylist.isPresent() ? "on" : "off");
        return new Screening(settings, config.defence(), client -> trusted.stream().anyMatch(c -> c.contains(client)),
                lists, greylist, spf, dnsWait, metrics, clock);
    }

    static List<DnsLists.Zone> zones(List<Config.Screening.DnsList> configured) {
        return configured.stream()
                .map(l -> new DnsLists.Zone(l.zone(), l.weight(), AnswerCodes.parse(l.answers()))).toList();
    }

    @Override
    public Screen connected(InetAddress client, SmtpMode mode) {
        return new ScreenedClient(this, client, mode);
    }

    /** Counts {@code event} and logs it, once per burst of its kind. */
    void record(ScreeningEvent event, String detail) {
        metrics.increment(METRIC, "event", event.label);
        logs.get(event).warn(event.logLine, detail);
    }

    @Override
    public void close() {
        greylist.ifPresent(g -> {
            try {
                g.close();
            } catch (IOException e) {
                LOG.warn("closing the greylist: {}", e.getMessage());
            }
        });
    }
}
