package org.bastionmail.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import javax.net.ssl.SSLContext;
import org.bastionmail.ban.BanList;
import org.bastionmail.config.Config;
import org.bastionmail.delivery.Bounces;
import org.bastionmail.delivery.LocalDelivery;
import org.bastionmail.delivery.RemoteDelivery;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.reports.ReportPoster;
import org.bastionmail.screening.Screening;
import org.bastionmail.reports.ReportSender;
import org.bastionmail.reports.ReportSettings;
import org.bastionmail.tlsrpt.TlsResultRecorder;
import org.bastionmail.dsn.DsnSettings;
import org.bastionmail.dkim.DkimVerifier;
import org.bastionmail.dmarc.AggregateReportLog;
import org.bastionmail.dmarc.DmarcVerifier;
import org.bastionmail.dmarc.PublicSuffixList;
import org.bastionmail.dns.DnsResolver;
import org.bastionmail.dns.DnsjavaResolver;
import org.bastionmail.filter.AntivirusHooks;
import org.bastionmail.filter.AntivirusSettings;
import org.bastionmail.filter.FilterHooks;
import org.bastionmail.filter.milter.MilterClient;
import org.bastionmail.filter.milter.MilterSettings;
import org.bastionmail.filter.rspamd.RspamdClient;
import org.bastionmail.filter.rspamd.RspamdSettings;
import org.bastionmail.imap.ImapContext;
import org.bastionmail.imap.ImapLimits;
import org.bastionmail.imap.ImapSession;
import org.bastionmail.imap.UserConnections;
import org.bastionmail.iprev.HeloCheck;
import org.bastionmail.iprev.IprevVerifier;
import org.bastionmail.mailauth.AuthPolicy;
import org.bastionmail.mtasts.PolicyServer;
import org.bastionmail.mailauth.InboundChecks;
import org.bastionmail.mailauth.MailAuthHooks;
import org.bastionmail.mailauth.SubmissionSigning;
import org.bastionmail.spf.SpfVerifier;
import org.bastionmail.directory.Directory;
import org.bastionmail.directory.SqliteDirectory;
import org.bastionmail.io.PrivateDirectories;
import org.bastionmail.net.ConnectionLimits;
import org.bastionmail.net.Listener;
import org.bastionmail.net.AuthFailures;
import org.bastionmail.metrics.AdminServer;
import org.bastionmail.metrics.Metrics;
import org.bastionmail.net.Pause;
import org.bastionmail.net.Protocol;
import org.bastionmail.net.ServerCertificate;
import org.bastionmail.net.TlsUpgrade;
import org.bastionmail.pop3.MaildropLocks;
import org.bastionmail.pop3.Pop3Context;
import org.bastionmail.pop3.Pop3Session;
import org.bastionmail.queue.FileQueue;
import org.bastionmail.sasl.SaslMechanisms;
import org.bastionmail.smtp.AuthMechanisms;
import org.bastionmail.smtp.MessageHooks;
import org.bastionmail.smtp.SmtpContext;
import org.bastionmail.smtp.SmtpMode;
import org.bastionmail.smtp.SmtpSession;
import org.bastionmail.store.MailboxStore;
import org.bastionmail.store.SqliteMailboxStore;
import org.bastionmail.tracelog.ConnectionTrace;
import org.bastionmail.tracelog.TraceMetrics;
import org.bastionmail.tracelog.TraceSink;
import org.bastionmail.tracelog.TransactionLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole server put together from a {@link Config}: directory, store, queue, local delivery and the
 * SMTP listeners. {@code bastion serve} runs one; integration tests start one on port 0.
 */
public final class MailServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MailServer.class);

    private final Config config;
    private final Directory directory;
    private final MailboxStore store;
    private final FileQueue queue;
    private final LocalDelivery delivery;
    private final RemoteDelivery remote;
    private final List<Listener> listeners = new ArrayList<>();
    private final MessageHooks hooks;
    /** Periodic work that is not per connection: the daily reports. */
    private final ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("reports").daemon(true).factory());
    private final java.util.concurrent.atomic.AtomicReference<ScheduledFuture<?>> reports =
            new java.util.concurrent.atomic.AtomicReference<>();
    private final BanList bans;
    private final java.util.concurrent.atomic.AtomicReference<PolicyServer> policyServer =
            new java.util.concurrent.atomic.AtomicReference<>();
    private final ConnectionLimits connectionLimits;
    /** The process-wide counters served by the admin endpoint (issue 8: traceability). */
    private final Metrics metrics = new Metrics();
    private final java.util.concurrent.atomic.AtomicReference<AdminServer> adminServer =
            new java.util.concurrent.atomic.AtomicReference<>();
    /** The transaction log and the metrics counted from it (issue 8: traceability); set before any listener starts. */
    private final java.util.concurrent.atomic.AtomicReference<TransactionLog> transactionLog =
            new java.util.concurrent.atomic.AtomicReference<>();
    private volatile TraceSink trace = TraceSink.none();
    /** Pregreet, rate limits, DNS lists and greylisting of SMTP clients (issue 8: availability under abuse). */
    private final java.util.concurrent.atomic.AtomicReference<Screening> screening =
            new java.util.concurrent.atomic.AtomicReference<>();

    private MailServer(Config config, Directory directory, MailboxStore store, FileQueue queue, LocalDelivery delivery,
            RemoteDelivery remote, MessageHooks hooks, BanList bans) {
        this.bans = bans;
        Config.Defence defence = config.defence();
        this.connectionLimits = new ConnectionLimits(new ConnectionLimits.Settings(defence.maxConnections(),
                defence.maxConnectionsPerIp(), defence.connectionRatePerIp()), Clock.systemUTC(), bans.settings().allow());
        this.hooks = hooks;
        this.remote = remote;
        this.config = config;
        this.directory = directory;
        this.store = store;
        this.queue = queue;
        this.delivery = delivery;
    }

    /** Opens the data dir and starts every configured listener. */
    public static MailServer start(Config config) throws IOException, GeneralSecurityException {
        Path dataDir = config.dataDir();
        PrivateDirectories.create(dataDir);
        SSLContext tls = tlsContext(config);
        Directory directory = SqliteDirectory.open(dataDir, config);
        MailboxStore store = SqliteMailboxStore.open(dataDir);
        FileQueue queue = FileQueue.open(dataDir);
        DnsResolver dns = DnsjavaResolver.create(config.dns());
        PublicSuffixList suffixes = config.dmarc().publicSuffixList().isPresent()
                ? PublicSuffixList.load(config.dmarc().publicSuffixList().get())
                : PublicSuffixList.bundled();
        MessageHooks hooks = filters(config, antivirus(config, mailAuthentication(config, dns, suffixes)));
        Bounces bounces = new Bounces(queue, DsnSettings.defaults(config.hostname()), config.delivery().giveUpAfter(),
                Clock.systemUTC());
        LocalDelivery delivery = LocalDelivery.start(queue, store, directory, LocalDelivery.Options.defaults(bounces));
        TlsResultRecorder tlsResults = new TlsResultRecorder(dataDir, Clock.systemUTC());
        RemoteDelivery remote = Outbound.start(config, dns, queue, directory, bounces, tlsResults);
        BanList bans = BanList.open(dataDir, BanList.Settings.of(config.defence()), Clock.systemUTC());
        MailServer server = new MailServer(config, directory, store, queue, delivery, remote, hooks, bans);
        server.reports.set(startReports(config, dns, suffixes, queue, tlsResults, server.background));
        try {
            server.startTrace();
            AuthMechanisms auth = AuthMechanisms.of(SaslMechanisms.names(), name -> SaslMechanisms.create(name, directory));
            TlsUpgrade upgrade = new TlsUpgrade(tls);
            Optional<org.bastionmail.smtp.TlsUpgrader> starttls = Optional.of(upgrade::upgrade);
            server.screening.set(Screening.start(config, dns, server.metrics));
            Config.Listen listen = config.listen();
            if (listen.smtp().isPresent()) {
                // AUTH on port 25 only when asked for: the submission ports are where users authenticate
                AuthMechanisms mxAuth = config.defence().authOnMx() ? auth : AuthMechanisms.none();
                server.listen("smtp", listen.smtp().get(), null, server.context(SmtpMode.MX, mxAuth, starttls));
            }
            if (listen.submission().isPresent()) {
                server.listen("submission", listen.submission().get(), null, server.context(SmtpMode.SUBMISSION, auth, starttls));
            }
            if (listen.submissions().isPresent()) {
                server.listen("submissions", listen.submissions().get(), tls, server.context(SmtpMode.SUBMISSIONS, auth, Optional.empty()));
            }
            server.listenForAccess(listen, tls, upgrade);
            server.publishMtaStsPolicy(tls);
            server.startAdmin();
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** clamd around the other checks when {@code [antivirus] clamd} is set (issue 8: content filtering). */
    private static MessageHooks antivirus(Config config, MessageHooks inner) {
        Config.Antivirus settings = config.antivirus();
        if (settings.clamd().isEmpty()) {
            return inner;
        }
        LOG.info("scanning every message with clamd at {} ({})", settings.clamd().get(),
                settings.failOpen() ? "fail open" : "fail closed");
        return new AntivirusHooks(inner, new AntivirusSettings(settings.clamd().get(), settings.timeout(),
                settings.maxSize(), settings.failOpen()));
    }

    /** Milters, then rspamd, after the antivirus ({@code [filters]}, issue 8: content filtering). */
    private static MessageHooks filters(Config config, MessageHooks inner) {
        Config.Filters filters = config.filters();
        List<FilterHooks.Step> steps = new ArrayList<>();
        for (Config.Filters.Milter milter : filters.milters()) {
            steps.add(new FilterHooks.Step("milter " + milter.address(),
                    new MilterClient(new MilterSettings(milter.address(), milter.timeout())), milter.failOpen()));
        }
        filters.rspamd().ifPresent(rspamd -> steps.add(new FilterHooks.Step("rspamd", new RspamdClient(
                new RspamdSettings(rspamd.url(), rspamd.timeout(), rspamd.maxSize())), rspamd.failOpen())));
        if (steps.isEmpty()) {
            return inner;
        }
        LOG.info("content filters: {}", steps.stream().map(s -> s.name() + (s.failOpen() ? " (fail open)" : ""))
                .toList());
        return new FilterHooks(inner, steps, config.hostname());
    }

    /** SPF, DKIM, DMARC and reverse DNS for inbound mail, DKIM signing for submitted mail. */
    private static MessageHooks mailAuthentication(Config config, DnsResolver dns, PublicSuffixList suffixes)
            throws IOException {
        Clock clock = Clock.systemUTC();
        String authservId = config.policy().authservId();
        InboundChecks inbound = new InboundChecks(new SpfVerifier(dns, clock, config.hostname()),
                new DkimVerifier(dns, clock), new DmarcVerifier(dns, suffixes, new SecureRandom()),
                new IprevVerifier(dns), new HeloCheck(dns), AuthPolicy.of(config.policy()), authservId,
                AggregateReportLog.open(config.dataDir()), clock);
        return new MailAuthHooks(authservId, inbound, new SubmissionSigning(config.dataDir(), clock));
    }

    /** TLS reports (RFC 8460) and DMARC aggregate reports (RFC 7489 7.2), sent once a UTC day is over. */
    private static ScheduledFuture<?> startReports(Config config, DnsResolver dns, PublicSuffixList suffixes,
            FileQueue queue, TlsResultRecorder tlsResults, ScheduledExecutorService scheduler) throws IOException {
        String domain = config.primaryDomain().orElse(config.hostname());
        Clock clock = Clock.systemUTC();
        ReportSender sender = new ReportSender(config.dataDir(), tlsResults, dns, suffixes, queue,
                new ReportSettings(config.hostname(), domain, MailAddress.parse("postmaster@" + domain)), clock,
                Optional.of(new SubmissionSigning(config.dataDir(), clock)), ReportPoster.http(Duration.ofSeconds(30)));
        return sender.start(scheduler);
    }

    private static SSLContext tlsContext(Config config) throws IOException, GeneralSecurityException {
        if (config.tls().cert().isPresent() && config.tls().key().isPresent()) {
            return ServerCertificate.context(config.tls().cert().get(), config.tls().key().get());
        }
        Path[] generated = ServerCertificate.selfSigned(config.dataDir().resolve("tls"), config.hostname());
        LOG.info("no [tls] cert/key configured: using the self-signed certificate {}", generated[0]);
        return ServerCertificate.context(generated[0], generated[1]);
    }

    private SmtpContext context(SmtpMode mode, AuthMechanisms auth, Optional<org.bastionmail.smtp.TlsUpgrader> starttls) {
        String postmasterDomain = config.primaryDomain().orElse(config.hostname());
        return new SmtpContext(mode, config.hostname(), postmasterDomain, config.limits(), directory, auth, queue,
                starttls, Clock.systemUTC(), Pause.real(),
                account -> store.usedBytes(account) >= directory.quota(account), hooks, authFailures(),
                client -> config.delivery().relayNetworks().stream().anyMatch(network -> network.contains(client)), trace,
                screening.get());
    }

    private void listen(String name, InetSocketAddress address, SSLContext implicitTls, SmtpContext context) throws IOException {
        listen(name, address, implicitTls, Protocol.SMTP, socket -> new SmtpSession(socket, context).run());
    }

    /** Our own MTA-STS policy over HTTPS (RFC 8461 3.2), when one is configured. */
    private void publishMtaStsPolicy(SSLContext tls) throws IOException {
        Config.MtaStsPolicy policy = config.mtaSts();
        if (policy.mode().isEmpty() || config.listen().mtaSts().isEmpty()) {
            return;
        }
        String text = PolicyServer.policyText(policy.mode().get(), policy.mx(), policy.maxAge());
        PolicyServer server = PolicyServer.start(config.listen().mtaSts().get(), tls, text);
        policyServer.set(server);
        LOG.info("mta-sts policy served on {}; publish for each domain: _mta-sts.DOMAIN TXT \"v=STSv1; id={}\"",
                server.address(), PolicyServer.id(text));
    }

    /** {@code [log]}: one JSON line per connection, transaction and delivery attempt; the metrics counted from them. */
    private void startTrace() {
        TraceSink sink = new TraceMetrics(metrics);
        Config.Logging logging = config.logging();
        if (logging.format() == Config.Logging.Format.JSON) {
            metrics.counter("bastion_transaction_log_dropped_total", "Transaction log lines lost (buffer full or disk failing).");
            TransactionLog log = TransactionLog.start(new TransactionLog.Settings(logging.transactionsFile(config.dataDir()),
                    logging.daily(), logging.maxSize(), logging.keep(), logging.buffer()), Clock.systemUTC(),
                    () -> metrics.increment("bastion_transaction_log_dropped_total"));
            transactionLog.set(log);
            sink = log.and(sink);
            LOG.info("transaction log: {}", logging.transactionsFile(config.dataDir()));
        }
        trace = sink;
        delivery.onAttempt(sink);
        remote.onAttempt(sink);
    }

    /** {@code [listen] admin}: /metrics and /health on loopback, with gauges read at scrape time. */
    private void startAdmin() throws IOException {
        metrics.counter("bastion_smtp_connections_total", "Connections handed to a session, per listener.");
        metrics.counter("bastion_messages_queued_total", "Messages committed to the queue (accepted mail and bounces).");
        queue.onCommit(id -> metrics.increment("bastion_messages_queued_total"));
        metrics.gauge("bastion_bans_active", "Client networks banned right now.", () -> bans.active().size());
        metrics.gauge("bastion_queue_messages", "Messages in the queue.", () -> {
            try {
                return queue.entries().size();
            } catch (IOException e) {
                return -1;
            }
        });
        if (config.listen().admin().isEmpty()) {
            return;
        }
        AdminServer admin = AdminServer.start(config.listen().admin().get(), metrics);
        adminServer.set(admin);
        LOG.info("admin (/metrics, /health) listening on {}", admin.address());
    }

    /** The bound address of the admin endpoint, if one is configured. */
    public Optional<InetSocketAddress> adminAddress() {
        return Optional.ofNullable(adminServer.get()).map(AdminServer::address);
    }

    /** The ban list, with every failed login also counted per protocol ("smtp", "imap", "pop3"). */
    private AuthFailures authFailures() {
        metrics.counter("bastion_auth_failures_total", "Failed logins, per protocol.");
        return new AuthFailures() {
            @Override
            public void failed(java.net.InetAddress client, String protocol) {
                metrics.increment("bastion_auth_failures_total", "protocol", protocol);
                bans.failed(client, protocol);
            }

            @Override
            public void succeeded(java.net.InetAddress client, String protocol) {
                bans.succeeded(client, protocol);
            }
        };
    }

    /** The server's counters and gauges. */
    public Metrics metrics() {
        return metrics;
    }

    /** The bound address of the MTA-STS policy endpoint, if one is served. */
    public Optional<InetSocketAddress> mtaStsAddress() {
        return Optional.ofNullable(policyServer.get()).map(PolicyServer::address);
    }

    /**
     * An access session with its connection line in the transaction log: client, listener, duration and, on
     * the implicit-TLS ports, the TLS protocol. (SMTP sessions write a fuller line themselves.)
     */
    private Listener.Handler traced(String listener, Listener.Handler session) {
        return socket -> {
            // a label for the log, not a secret
            String id = java.util.HexFormat.of().withUpperCase()
                    .toHexDigits(java.util.concurrent.ThreadLocalRandom.current().nextLong());
            ConnectionTrace line = new ConnectionTrace(id, socket.getInetAddress(), socket.getPort(), listener,
                    Clock.systemUTC(), trace);
            String how = "closed";
            try {
                session.handle(socket);
            } catch (IOException | RuntimeException e) {
                how = "error";
                throw e;
            } finally {
                // after the session the socket is closed: getSession() then answers without a handshake
                if (socket instanceof javax.net.ssl.SSLSocket ssl && ssl.getSession().isValid()) {
                    line.tls(ssl.getSession().getProtocol(), ssl.getSession().getCipherSuite());
                }
                line.end(how);
            }
        };
    }

    /** IMAP (STARTTLS and implicit TLS) and POP3 (STLS and implicit TLS) for reading mail. */
    private void listenForAccess(Config.Listen listen, SSLContext tls, TlsUpgrade upgrade) throws IOException {
        Clock clock = Clock.systemUTC();
        ImapLimits imapLimits = ImapLimits.defaults(config.limits());
        // One count for both IMAP ports: the per-user connection limit covers imap and imaps together.
        UserConnections imapConnections = new UserConnections();
        ImapContext imap = new ImapContext(config.hostname(), directory, store, Optional.of(upgrade), false, imapLimits,
                clock, Pause.real(), imapConnections, authFailures());
        ImapContext imaps = new ImapContext(config.hostname(), directory, store, Optional.empty(), true, imapLimits,
                clock, Pause.real(), imapConnections, authFailures());
        if (listen.imap().isPresent()) {
            listen("imap", listen.imap().get(), null, Protocol.IMAP, traced("imap", socket -> new ImapSession(socket, imap).run()));
        }
        if (listen.imaps().isPresent()) {
            listen("imaps", listen.imaps().get(), tls, Protocol.IMAP, traced("imaps", socket -> new ImapSession(socket, imaps).run()));
        }
        // One lock registry for both POP3 ports: RFC 1939 8 allows one session per maildrop.
        MaildropLocks locks = new MaildropLocks();
        Pop3Context pop3 = new Pop3Context(config.hostname(), directory, store, Optional.of(upgrade), false,
                Pop3Context.Limits.defaults(), clock, Pause.real(), locks, authFailures());
        Pop3Context pop3s = new Pop3Context(config.hostname(), directory, store, Optional.empty(), true,
                Pop3Context.Limits.defaults(), clock, Pause.real(), locks, authFailures());
        if (listen.pop3().isPresent()) {
            listen("pop3", listen.pop3().get(), null, Protocol.POP3, traced("pop3", socket -> new Pop3Session(socket, pop3).run()));
        }
        if (listen.pop3s().isPresent()) {
            listen("pop3s", listen.pop3s().get(), tls, Protocol.POP3, traced("pop3s", socket -> new Pop3Session(socket, pop3s).run()));
        }
    }

    private void listen(String name, InetSocketAddress address, SSLContext implicitTls, Protocol protocol,
            Listener.Handler handler) throws IOException {
        // One set of limits and one ban list for every listener: a client is counted once, whatever it speaks.
        metrics.counter("bastion_smtp_connections_total", "Connections handed to a session, per listener.");
        Listener.Handler counted = socket -> {
            metrics.increment("bastion_smtp_connections_total", "listener", name);
            handler.handle(socket);
        };
        metrics.counter("bastion_connections_refused_total",
                "Connections refused before a session, per listener and reason (banned, limits).");
        Listener listener = Listener.start(name, address, implicitTls, protocol, connectionLimits, bans, counted,
                (client, port, reason) -> {
                    metrics.increment("bastion_connections_refused_total", "listener", name, "reason", reason);
                    // a connection line too, so that the log shows who was kept out and why
                    new ConnectionTrace("-", client, port, name, Clock.systemUTC(), trace).end("refused_" + reason);
                });
        listeners.add(listener);
        LOG.info("{} listening on {}", name, listener.address());
    }

    /** Each running listener's name and bound address (the real port when 0 was configured). */
    public Map<String, InetSocketAddress> listeners() {
        Map<String, InetSocketAddress> addresses = new LinkedHashMap<>();
        listeners.forEach(l -> addresses.put(l.name(), l.address()));
        return addresses;
    }

    public Directory directory() {
        return directory;
    }

    public MailboxStore store() {
        return store;
    }

    public FileQueue queue() {
        return queue;
    }

    public LocalDelivery delivery() {
        return delivery;
    }

    public RemoteDelivery remoteDelivery() {
        return remote;
    }

    /** The ban list every listener checks and every login feeds. */
    public BanList bans() {
        return bans;
    }

    /**
     * Stops accepting, gives sessions {@code grace} to finish, then closes everything. Messages already
     * acknowledged are on disk; deliveries in progress are idempotent and resume at the next start.
     */
    public void shutdown(Duration grace) {
        LOG.info("shutting down");
        listeners.forEach(Listener::stopAccepting);
        Optional.ofNullable(policyServer.get()).ifPresent(PolicyServer::close);
        Optional.ofNullable(adminServer.get()).ifPresent(AdminServer::close);
        long deadline = System.nanoTime() + grace.toNanos();
        listeners.forEach(l -> l.finishSessions(deadline));
        Optional.ofNullable(reports.get()).ifPresent(task -> task.cancel(false));
        background.shutdownNow();
        remote.close();
        delivery.close();
        Optional.ofNullable(transactionLog.get()).ifPresent(TransactionLog::close);
        try {
            store.close();
        } catch (IOException e) {
            LOG.warn("closing the store: {}", e.getMessage());
        }
        directory.close();
        Optional.ofNullable(screening.get()).ifPresent(Screening::close);
        LOG.info("stopped");
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }
}
