package org.bastionmail.screening;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.net.ClientNetwork;
import org.bastionmail.smtp.ClientChecks;
import org.bastionmail.smtp.SmtpMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The screening of one SMTP session. */
final class ScreenedClient implements ClientChecks.Screen {
    private static final Logger LOG = LoggerFactory.getLogger(ScreenedClient.class);

    private final Screening screening;
    private final InetAddress client;
    private final ClientNetwork network;
    private final SmtpMode mode;
    private final boolean exempt;
    /** Asked at connection time, so that the answers are in by RCPT; empty when no list applies. */
    private final Optional<CompletableFuture<DnsLists.Verdict>> lists;
    private final Map<String, Boolean> spfPasses = new HashMap<>();
    private boolean waited;
    private boolean pipeliningSeen;
    private boolean allowListCounted;

    ScreenedClient(Screening screening, InetAddress client, SmtpMode mode) {
        this.screening = screening;
        this.client = client;
        this.network = ClientNetwork.of(client);
        this.mode = mode;
        this.exempt = screening.exempt.test(client);
        this.lists = mode == SmtpMode.MX && !exempt && !screening.lists.isEmpty()
                ? Optional.of(screening.lists.check(client))
                : Optional.empty();
    }

    @Override
    public Optional<Duration> pregreetWait() {
        if (mode != SmtpMode.MX || exempt || screening.greetings.recentlyPassed(network)) {
            return Optional.empty();
        }
        waited = true;
        return Optional.of(screening.settings.bannerDelay());
    }

    @Override
    public void greeted() {
        if (waited && screening.settings.bannerDelay().isPositive()) {
            screening.greetings.passed(network);
        }
    }

    @Override
    public void noticed(ClientChecks.Abuse abuse) {
        switch (abuse) {
            case PREGREET -> {
                screening.greetings.failed(network);
                screening.record(ScreeningEvent.PREGREET, client.getHostAddress());
            }
            case PIPELINING -> {
                // once per session: a client that pipelines does so at every command
                if (!pipeliningSeen) {
                    pipeliningSeen = true;
                    screening.record(ScreeningEvent.PIPELINING, client.getHostAddress());
                }
            }
            case ILLEGAL_COMMAND -> screening.record(ScreeningEvent.ILLEGAL_COMMAND, client.getHostAddress());
        }
    }

    /**
     * Counted at MAIL FROM, as Postfix's smtpd_client_message_rate_limit: a client that starts transactions and
     * abandons them uses up its allowance too. Authenticated users are limited by recipients instead.
     */
    @Override
    public Optional<ClientChecks.Refusal> mail(Optional<String> account) {
        if (account.isPresent() || exempt || screening.messages.take(network)) {
            return Optional.empty();
        }
        screening.record(ScreeningEvent.MESSAGE_RATE, network.toString());
        return Optional.of(new ClientChecks.Refusal("message_rate", 450, "4.7.0", "Too much mail from your address, try again in "
                + screening.messages.secondsToWait(network) + " seconds", true));
    }

    @Override
    public Optional<ClientChecks.Refusal> rcpt(Optional<String> account, boolean mayRelay, String helo,
            Optional<MailAddress> sender, MailAddress recipient) {
        if (account.isPresent()) {
            if (screening.recipients.take(account.get())) {
                return Optional.empty();
            }
            screening.record(ScreeningEvent.RECIPIENT_RATE, account.get());
            return Optional.of(new ClientChecks.Refusal("recipient_rate", 450, "4.5.3", "Too many recipients per minute, try again in "
                    + screening.recipients.secondsToWait(account.get()) + " seconds", true));
        }
        if (exempt || mayRelay || mode != SmtpMode.MX) {
            return Optional.empty();
        }
        DnsLists.Verdict verdict = listVerdict();
        if (verdict.allowedBy().isPresent()) {
            if (!allowListCounted) {
                allowListCounted = true;
                screening.record(ScreeningEvent.DNSWL, client.getHostAddress() + " on " + verdict.allowedBy().get());
            }
            return Optional.empty();
        }
        // the postmaster stays reachable, so that a listed sender can still ask to be let in (RFC 5321 4.5.1)
        if (verdict.score() >= screening.settings.dnsblThreshold() && !verdict.listedIn().isEmpty()
                && !recipient.localPart().equalsIgnoreCase("postmaster")) {
            String zones = String.join(", ", verdict.listedIn());
            screening.record(ScreeningEvent.DNSBL, client.getHostAddress() + " on " + zones);
            return Optional.of(new ClientChecks.Refusal("dnsbl", 554, "5.7.1", "Service unavailable; client ["
                    + client.getHostAddress() + "] blocked using " + zones, true));
        }
        return greylisting(helo, sender, recipient);
    }

    private Optional<ClientChecks.Refusal> greylisting(String helo, Optional<MailAddress> sender, MailAddress recipient) {
        if (screening.greylist.isEmpty() || (sender.isPresent() && spfPasses(sender.get(), helo))) {
            return Optional.empty();
        }
        Greylist.Decision decision;
        try {
            decision = screening.greylist.get().check(client, sender, recipient);
        } catch (IOException | RuntimeException e) {
            // a greylist that cannot be read must not stop mail
            LOG.error("greylist check failed, letting the message in: {}", e.toString());
            return Optional.empty();
        }
        return switch (decision) {
            case Greylist.Decision.Pass pass -> Optional.empty();
            case Greylist.Decision.Defer defer -> {
                screening.record(ScreeningEvent.GREYLISTED, network + " " + sender.map(MailAddress::toString)
                        .orElse("<>") + " -> " + recipient);
                long seconds = Math.max(1, (defer.retryIn().toMillis() + 999) / 1000);
                yield Optional.of(new ClientChecks.Refusal("greylist", 450, "4.7.1", "Greylisted, try again in " + seconds
                        + " seconds", false));
            }
        };
    }

    private boolean spfPasses(MailAddress sender, String helo) {
        if (!screening.spfPassDomains.contains(sender.domain().toLowerCase(Locale.ROOT))) {
            return false;
        }
        return spfPasses.computeIfAbsent(sender.toString(), s -> {
            try {
                return screening.spf.passes(client, sender, helo);
            } catch (RuntimeException e) {
                LOG.warn("SPF check of {} for greylisting failed: {}", sender, e.toString());
                return false;
            }
        });
    }

    /** The DNS lists' answer; a slow or failed lookup counts as "not listed" (fail open). */
    private DnsLists.Verdict listVerdict() {
        if (lists.isEmpty()) {
            return DnsLists.Verdict.CLEAN;
        }
        try {
            return lists.get().get(screening.dnsWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            LOG.warn("DNS lists did not answer for {} in time, taken as not listed: {}", client.getHostAddress(),
                    e.toString());
            return DnsLists.Verdict.CLEAN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DnsLists.Verdict.CLEAN;
        }
    }
}
