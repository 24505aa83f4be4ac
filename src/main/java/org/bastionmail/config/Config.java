package org.bastionmail.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.bastionmail.mail.MailAddress;

/**
 * Bastion's whole configuration, as read from the TOML file (see docs/configuration.md).
 *
 * @param source the file it came from, empty for the built-in local default
 * @param hostname the name used in the banner, EHLO reply and Received lines
 * @param dataDir where everything persistent lives
 * @param domains the local domains named in the file (more can be added with {@code bastion domain add})
 * @param postmaster where mail to {@code postmaster@} any local domain goes; empty: the
 *     {@code postmaster} account of the first local domain
 */
public record Config(
        Optional<Path> source,
        String hostname,
        Path dataDir,
        List<String> domains,
        Optional<MailAddress> postmaster,
        Listen listen,
        Tls tls,
        Limits limits,
        Dns dns,
        Policy policy,
        Dmarc dmarc,
        Delivery delivery,
        Defence defence,
        MtaStsPolicy mtaSts,
        Antivirus antivirus,
        Screening screening,
        Filters filters,
        Logging logging) {

    /** The configuration before {@code [screening]}, {@code [filters]} and {@code [log]} existed: their defaults. */
    public Config(Optional<Path> source, String hostname, Path dataDir, List<String> domains,
            Optional<MailAddress> postmaster, Listen listen, Tls tls, Limits limits, Dns dns, Policy policy, Dmarc dmarc,
            Delivery delivery, Defence defence, MtaStsPolicy mtaSts, Antivirus antivirus) {
        this(source, hostname, dataDir, domains, postmaster, listen, tls, limits, dns, policy, dmarc, delivery, defence,
                mtaSts, antivirus, Screening.defaults(), Filters.none(), Logging.defaults());
    }

    /**
     * Checks of a client before and during its SMTP session on the MX port ({@code [screening]}): talking
     * before the banner, DNS block and allow lists, greylisting. Clients of {@code [defence] allow_networks}
     * and {@code [delivery] relay_networks} skip all of them.
     *
     * @param bannerDelay how long the server listens before its greeting for a client that talks first
     *     (pregreet); zero: no wait, only bytes already there are seen
     * @param dnsbl DNS block lists, each with a weight; a client whose weights add up to {@code dnsblThreshold}
     *     is refused at RCPT TO
     * @param dnsblThreshold the score at which a client is refused
     * @param dnswl DNS allow lists; a client listed on any is neither refused by the block lists nor greylisted
     * @param greylisting greylisting of unknown (network, sender, recipient) triplets
     */
    public record Screening(Duration bannerDelay, List<DnsList> dnsbl, int dnsblThreshold, List<DnsList> dnswl,
            Greylisting greylisting) {
        public Screening {
            dnsbl = List.copyOf(dnsbl);
            dnswl = List.copyOf(dnswl);
        }

        /**
         * A one-second banner delay (most robots that talk first do so at once; senders wait up to five minutes
         * for a greeting, RFC 5321 4.5.3.2.1, and a client that passed is not delayed again for a day), no DNS
         * lists (which ones to trust, and their terms of use, are the operator's choice), greylisting off.
         */
        public static Screening defaults() {
            return new Screening(Duration.ofSeconds(1), List.of(), 1, List.of(), Greylisting.off());
        }

        /** This screening with greylisting settings replaced. */
        public Screening withGreylisting(Greylisting newGreylisting) {
            return new Screening(bannerDelay, dnsbl, dnsblThreshold, dnswl, newGreylisting);
        }

        /**
         * One DNS list (RFC 5782): the client's address is looked up under {@code zone}.
         *
         * @param weight what a listing adds to the client's score (allow lists: unused)
         * @param answers the A record values that count as listed, as addresses or ranges
         *     ({@code 127.0.0.2-127.0.0.11}); empty: any answer in 127.0.0.0/8 but 127.255.255.0/24
         */
        public record DnsList(String zone, int weight, List<String> answers) {
            public DnsList {
                answers = List.copyOf(answers);
            }
        }

        /**
         * Greylisting: the first attempt of an unknown triplet is deferred with 450 4.7.1; a retry after
         * {@code delay} and within {@code retryWindow} passes, and the triplet then passes at once for
         * {@code expiry} after it was last seen.
         *
         * @param maxEntries the most triplets kept; beyond, those that never passed go first, oldest first
         * @param spfPassDomains sender domains whose mail is not greylisted when their SPF check passes
         */
        public record Greylisting(boolean enabled, Duration delay, Duration retryWindow, Duration expiry,
                int maxEntries, List<String> spfPassDomains) {
            public Greylisting {
                spfPassDomains = List.copyOf(spfPassDomains);
            }

            /** Off: it delays the first mail of every new correspondent by at least {@code delay}. */
            public static Greylisting off() {
                return new Greylisting(false, Duration.ofMinutes(5), Duration.ofDays(2), Duration.ofDays(35), 1_000_000,
                        List.of());
            }
        }
    }

    /**
     * Content filters run at the end of DATA after the antivirus ({@code [filters]}): milters in the order
     * given, then rspamd.
     *
     * @param milters the milters, each asked once per message
     * @param rspamd rspamd's normal worker over HTTP, if configured
     */
    public record Filters(List<Milter> milters, Optional<Rspamd> rspamd) {
        public Filters {
            milters = List.copyOf(milters);
        }

        public static Filters none() {
            return new Filters(List.of(), Optional.empty());
        }

        /**
         * One milter ({@code [[filters.milter]]}).
         *
         * @param address {@code inet:host:port} or {@code unix:/path}
         * @param failOpen when it cannot answer, accept (marked) instead of answering 451 4.7.1
         * @param timeout the longest one message's conversation may take
         */
        public record Milter(String address, boolean failOpen, Duration timeout) {}

        /**
         * rspamd ({@code [filters.rspamd]}).
         *
         * @param url the normal worker, e.g. {@code http://127.0.0.1:11333}
         * @param failOpen when it cannot answer, accept (marked) instead of answering 451 4.7.1
         * @param timeout the longest one scan may take
         * @param maxSize larger messages are not scanned
         */
        public record Rspamd(java.net.URI url, boolean failOpen, Duration timeout, long maxSize) {}
    }

    /**
     * What Bastion logs and where ({@code [log]}), including the per-transaction log {@code bastion trace} reads.
     *
     * @param format {@code json}: one JSON line per connection, transaction and delivery attempt; {@code off}: none
     * @param transactions the transaction log file; empty: {@code DATA_DIR/log/transactions.jsonl}
     * @param daily rotate when the UTC day changes (besides {@code maxSize})
     * @param maxSize rotate when the file would grow past this many bytes
     * @param keep how many rotated files are kept
     * @param buffer how many lines may wait for the writer before new ones are dropped (and counted)
     */
    public record Logging(Format format, Optional<Path> transactions, boolean daily, long maxSize, int keep, int buffer) {
        public enum Format { JSON, OFF }

        public static Logging defaults() {
            return new Logging(Format.JSON, Optional.empty(), true, 104_857_600L, 14, 10_000);
        }

        /** The transaction log file of a server whose data dir is {@code dataDir}. */
        public Path transactionsFile(Path dataDir) {
            return transactions.orElse(dataDir.resolve("log").resolve("transactions.jsonl"));
        }
    }

    /** This configuration with other screening settings. */
    public Config withScreening(Screening newScreening) {
        return new Config(source, hostname, dataDir, domains, postmaster, listen, tls, limits, dns, policy, dmarc, delivery,
                defence, mtaSts, antivirus, newScreening, filters, logging);
    }

    /** This configuration with other content filters. */
    public Config withFilters(Filters newFilters) {
        return new Config(source, hostname, dataDir, domains, postmaster, listen, tls, limits, dns, policy, dmarc, delivery,
                defence, mtaSts, antivirus, screening, newFilters, logging);
    }

    /** This configuration with other log settings. */
    public Config withLogging(Logging newLogging) {
        return new Config(source, hostname, dataDir, domains, postmaster, listen, tls, limits, dns, policy, dmarc, delivery,
                defence, mtaSts, antivirus, screening, filters, newLogging);
    }

    /** The listeners; an empty one is off. */
    public record Listen(
            Optional<InetSocketAddress> smtp,
            Optional<InetSocketAddress> submission,
            Optional<InetSocketAddress> submissions,
            Optional<InetSocketAddress> imap,
            Optional<InetSocketAddress> imaps,
            Optional<InetSocketAddress> pop3,
            Optional<InetSocketAddress> pop3s,
            Optional<InetSocketAddress> mtaSts,
            Optional<InetSocketAddress> admin) {

        /** Without the admin endpoint (metrics and health), which is off unless configured. */
        public Listen(Optional<InetSocketAddress> smtp, Optional<InetSocketAddress> submission,
                Optional<InetSocketAddress> submissions, Optional<InetSocketAddress> imap, Optional<InetSocketAddress> imaps,
                Optional<InetSocketAddress> pop3, Optional<InetSocketAddress> pop3s, Optional<InetSocketAddress> mtaSts) {
            this(smtp, submission, submissions, imap, imaps, pop3, pop3s, mtaSts, Optional.empty());
        }

        /** The mail listeners, without the MTA-STS policy endpoint. */
        public Listen(Optional<InetSocketAddress> smtp, Optional<InetSocketAddress> submission,
                Optional<InetSocketAddress> submissions, Optional<InetSocketAddress> imap, Optional<InetSocketAddress> imaps,
                Optional<InetSocketAddress> pop3, Optional<InetSocketAddress> pop3s) {
            this(smtp, submission, submissions, imap, imaps, pop3, pop3s, Optional.empty());
        }

        /** Every listener on {@code address} (tests bind all of them to port 0). */
        public static Listen all(InetSocketAddress address) {
            Optional<InetSocketAddress> a = Optional.of(address);
            return new Listen(a, a, a, a, a, a, a, a, a);
        }
    }

    /** The server certificate; both empty means a self-signed one generated into the data dir. */
    public record Tls(Optional<Path> cert, Optional<Path> key) {}

    /**
     * Every limit a peer can hit. Each has a documented reply code (docs/configuration.md).
     *
     * @param messageSize largest message in bytes, advertised in SIZE (RFC 1870)
     * @param recipients most RCPT TO per transaction (RFC 5321 4.5.3.1.8 asks for at least 100)
     * @param commandLine longest command line in bytes, CRLF included
     * @param lineLength longest line of message text in bytes, CRLF included
     * @param headerSize largest header section of a message in bytes
     * @param errors protocol errors after which a session is dropped
     * @param idleTimeout how long a session may wait for the client's next command or data
     * @param sessionTimeout how long one connection may last at most
     * @param mailboxQuota storage per user in bytes, unless the user has a quota of their own
     */
    public record Limits(
            long messageSize,
            int recipients,
            int commandLine,
            int lineLength,
            int headerSize,
            int errors,
            Duration idleTimeout,
            Duration sessionTimeout,
            long mailboxQuota) {

        public static Limits defaults() {
            return new Limits(26_214_400L, 100, 2048, 8192, 262_144, 10,
                    Duration.ofMinutes(5), Duration.ofMinutes(30), 1L << 30);
        }
    }

    /**
     * The DNS resolver used for SPF, DKIM, DMARC, MX routing and reverse lookups.
     *
     * @param servers recursive resolvers to ask, as ip:port; empty: the system's resolvers
     * @param timeout how long to wait for one reply before trying again
     * @param trustAnchors a zone file of DS/DNSKEY trust anchors; empty: the shipped IANA root anchors
     * @param dnssec whether answers are validated (RFC 4035 5); off, every answer is indeterminate
     */
    public record Dns(List<InetSocketAddress> servers, Duration timeout, Optional<Path> trustAnchors, boolean dnssec) {
        public Dns {
            servers = List.copyOf(servers);
        }

        public static Dns defaults() {
            return new Dns(List.of(), Duration.ofSeconds(5), Optional.empty(), true);
        }
    }

    /**
     * What the results of sender authentication do to an inbound message ({@code [policy]}); the
     * authentication library maps this onto its own policy (mailauth.AuthPolicy).
     *
     * @param authservId the authserv-id of the Authentication-Results fields Bastion writes (RFC 8601 2.5), and
     *     the one whose forged copies it removes; defaults to the host name
     * @param honourDmarc whether the domain owner's DMARC policy (reject, quarantine) is applied
     * @param spfFail what an SPF fail of the MAIL FROM identity does
     * @param spfSoftfail what an SPF softfail does
     * @param dkimFail what a message does whose DKIM signatures all failed (and none passed)
     * @param dmarcReject what a DMARC failure under {@code p=reject} does
     * @param dmarcQuarantine what a DMARC failure under {@code p=quarantine} does
     * @param iprevFail what a client whose reverse DNS does not resolve back to it gets
     */
    public record Policy(
            String authservId,
            boolean honourDmarc,
            Action spfFail,
            Action spfSoftfail,
            Action dkimFail,
            Action dmarcReject,
            Action dmarcQuarantine,
            Action iprevFail) {

        /** From mildest to strictest: deliver, deliver with a tag, deliver to Junk, refuse with 550. */
        public enum Action { ACCEPT, TAG, JUNK, REJECT }

        /**
         * Safe defaults: SPF alone never rejects (DMARC decides, RFC 7489 10.1), a failing DKIM signature is
         * like none (RFC 6376 6.3), the DMARC policy is honoured, reverse DNS is recorded only.
         */
        public static Policy defaults(String hostname) {
            return new Policy(hostname, true, Action.TAG, Action.TAG, Action.ACCEPT, Action.REJECT, Action.JUNK,
                    Action.ACCEPT);
        }
    }

    /**
     * DMARC settings ({@code [dmarc]}).
     *
     * @param publicSuffixList a Public Suffix List file to use instead of the copy shipped with Bastion
     */
    public record Dmarc(Optional<Path> publicSuffixList) {
        public static Dmarc defaults() {
            return new Dmarc(Optional.empty());
        }
    }

    /**
     * Outbound delivery (relay) settings.
     *
     * @param remotePort the port of other domains' MX hosts (25; tests use others)
     * @param sourceAddress the local address to connect from, if not the system's choice
     * @param smarthost relay everything through this host instead of the MX records
     * @param giveUpAfter how long a message may wait before it is bounced (RFC 5321 4.5.4.1)
     * @param delayWarningAfter how long a message may wait before its sender is told it is delayed
     * @param relayNetworks clients that may relay without AUTH (an office network, a webmail host); empty by default
     * @param trustAnchors a PEM file of CA certificates that verify the smarthost's certificate, and MX hosts'
     *     where neither DANE nor MTA-STS applies, in place of the JDK's trust store (a private mail network,
     *     interop tests)
     */
    public record Delivery(int remotePort, Optional<java.net.InetAddress> sourceAddress, Optional<Smarthost> smarthost,
            List<org.bastionmail.net.Cidr> relayNetworks, Optional<Path> trustAnchors, Duration giveUpAfter,
            Duration delayWarningAfter) {
        /** RFC 5321 4.5.4.1: give up after 4-5 days. */
        public static final Duration GIVE_UP_AFTER = Duration.ofDays(5);
        public static final Duration DELAY_WARNING_AFTER = Duration.ofHours(4);

        public Delivery {
            relayNetworks = List.copyOf(relayNetworks);
        }

        /** Settings with the usual give-up and warning times. */
        public Delivery(int remotePort, Optional<java.net.InetAddress> sourceAddress, Optional<Smarthost> smarthost,
                List<org.bastionmail.net.Cidr> relayNetworks, Optional<Path> trustAnchors) {
            this(remotePort, sourceAddress, smarthost, relayNetworks, trustAnchors, GIVE_UP_AFTER, DELAY_WARNING_AFTER);
        }

        /** Settings without relay networks, verifying MX hosts against the JDK's trust store. */
        public Delivery(int remotePort, Optional<java.net.InetAddress> sourceAddress, Optional<Smarthost> smarthost) {
            this(remotePort, sourceAddress, smarthost, List.of(), Optional.empty());
        }

        public static Delivery defaults() {
            return new Delivery(25, Optional.empty(), Optional.empty());
        }
    }

    /**
     * The MTA-STS policy Bastion publishes for its own domains (RFC 8461 3.2), served over HTTPS at
     * {@code https://mta-sts.DOMAIN/.well-known/mta-sts.txt} by the {@code [listen] mta_sts} listener.
     *
     * @param mode "enforce", "testing" or "none"; empty: no policy is served
     * @param mx the MX host patterns senders may deliver to
     * @param maxAge how long senders may cache the policy (RFC 8461 3.2: at most a year)
     */
    public record MtaStsPolicy(Optional<String> mode, List<String> mx, Duration maxAge) {
        public MtaStsPolicy {
            mx = List.copyOf(mx);
        }

        public static MtaStsPolicy none() {
            return new MtaStsPolicy(Optional.empty(), List.of(), Duration.ofDays(7));
        }
    }

    /**
     * Virus scanning of every message before it is accepted ({@code [antivirus]}), through clamd.
     *
     * @param clamd clamd's address: {@code host:port} or the path of its Unix socket; empty: no scanning
     * @param failOpen when clamd cannot answer, accept the message (marked) instead of answering 451
     * @param maxSize the largest message sent to clamd (its StreamMaxLength); larger ones count as a failed scan
     * @param timeout how long one scan may take
     */
    public record Antivirus(Optional<String> clamd, boolean failOpen, long maxSize, Duration timeout) {
        public static Antivirus none() {
            return new Antivirus(Optional.empty(), false, 26_214_400L, Duration.ofSeconds(30));
        }
    }

    /** This configuration with other antivirus settings. */
    public Config withAntivirus(Antivirus newAntivirus) {
        return new Config(source, hostname, dataDir, domains, postmaster, listen, tls, limits, dns, policy, dmarc, delivery,
                defence, mtaSts, newAntivirus, screening, filters, logging);
    }

    /** This configuration publishing another MTA-STS policy. */
    public Config withMtaSts(MtaStsPolicy newPolicy) {
        return new Config(source, hostname, dataDir, domains, postmaster, listen, tls, limits, dns, policy, dmarc, delivery,
                defence, newPolicy, antivirus, screening, filters, logging);
    }

    /**
     * Availability under abuse ({@code [defence]}): connection limits checked before any session work, and
     * the ban list fed by failed logins of SMTP, IMAP and POP3. A client is an IPv4 address or an IPv6 /64.
     *
     * @param maxConnections connections open at once, all listeners together
     * @param maxConnectionsPerIp connections open at once from one client
     * @param connectionRatePerIp new connections one client may open per minute (also the burst allowed)
     * @param authFailures failed logins within {@code authFailureWindow} that get a client banned
     * @param authFailureWindow the window those failures are counted in
     * @param banTime how long a first ban lasts; each further ban of the same client lasts twice as long
     * @param banTimeMax the longest a ban lasts
     * @param allowNetworks CIDR ranges never banned, nor limited per client, nor screened
     * @param messageRatePerIp mail transactions (MAIL FROM) one unauthenticated client may start per minute
     * @param recipientRatePerUser recipients one authenticated user may give per minute
     */
    public record Defence(int maxConnections, int maxConnectionsPerIp, int connectionRatePerIp, int authFailures,
            Duration authFailureWindow, Duration banTime, Duration banTimeMax, List<String> allowNetworks,
            int messageRatePerIp, int recipientRatePerUser, boolean authOnMx) {
        public static final int MESSAGE_RATE_PER_IP = 300;
        public static final int RECIPIENT_RATE_PER_USER = 200;

        public Defence {
            allowNetworks = List.copyOf(allowNetworks);
        }

        /** Settings without AUTH on the MX port. */
        public Defence(int maxConnections, int maxConnectionsPerIp, int connectionRatePerIp, int authFailures,
                Duration authFailureWindow, Duration banTime, Duration banTimeMax, List<String> allowNetworks,
                int messageRatePerIp, int recipientRatePerUser) {
            this(maxConnections, maxConnectionsPerIp, connectionRatePerIp, authFailures, authFailureWindow, banTime,
                    banTimeMax, allowNetworks, messageRatePerIp, recipientRatePerUser, false);
        }

        /** Settings with the default message and recipient rates. */
        public Defence(int maxConnections, int maxConnectionsPerIp, int connectionRatePerIp, int authFailures,
                Duration authFailureWindow, Duration banTime, Duration banTimeMax, List<String> allowNetworks) {
            this(maxConnections, maxConnectionsPerIp, connectionRatePerIp, authFailures, authFailureWindow, banTime,
                    banTimeMax, allowNetworks, MESSAGE_RATE_PER_IP, RECIPIENT_RATE_PER_USER);
        }

        public static Defence defaults() {
            return new Defence(1000, 20, 60, 10, Duration.ofMinutes(10), Duration.ofMinutes(15), Duration.ofDays(7),
                    List.of("127.0.0.0/8", "::1/128"));
        }

        /** These settings with other message and recipient rates. */
        public Defence withRates(int newMessageRatePerIp, int newRecipientRatePerUser) {
            return new Defence(maxConnections, maxConnectionsPerIp, connectionRatePerIp, authFailures, authFailureWindow,
                    banTime, banTimeMax, allowNetworks, newMessageRatePerIp, newRecipientRatePerUser, authOnMx);
        }

        /** These settings with AUTH offered on the MX port (after STARTTLS) or not. */
        public Defence withAuthOnMx(boolean offered) {
            return new Defence(maxConnections, maxConnectionsPerIp, connectionRatePerIp, authFailures, authFailureWindow,
                    banTime, banTimeMax, allowNetworks, messageRatePerIp, recipientRatePerUser, offered);
        }
    }

    /**
     * A relay host that takes all outbound mail; its certificate must be valid for {@code host}.
     *
     * @param implicitTls TLS from the first byte (port 465) rather than STARTTLS (587)
     * @param username AUTH user, with the password read from {@code passwordFile}
     */
    public record Smarthost(String host, int port, boolean implicitTls, Optional<String> username,
            Optional<Path> passwordFile) {}

    /** This configuration with other listeners (tests bind to port 0). */
    public Config withListen(Listen newListen) {
        return new Config(source, hostname, dataDir, domains, postmaster, newListen, tls, limits, dns, policy, dmarc, delivery, defence, mtaSts, antivirus, screening, filters, logging);
    }

    /** This configuration with other limits. */
    public Config withLimits(Limits newLimits) {
        return new Config(source, hostname, dataDir, domains, postmaster, listen, tls, newLimits, dns, policy, dmarc, delivery, defence, mtaSts, antivirus, screening, filters, logging);
    }

    /** This configuration with other DNS settings (tests point it at a loopback server). */
    public Config withDns(Dns newDns) {
        return new Config(source, hostname, dataDir, domains, postmaster, listen, tls, limits, newDns, policy, dmarc, delivery, defence, mtaSts, antivirus, screening, filters, logging);
    }

    /** This configuration with another authentication policy. */
    public Config withPolicy(Policy newPolicy) {
        return new Config(source, hostname, dataDir, domains, postmaster, listen, tls, limits, dns, newPolicy, dmarc, delivery, defence, mtaSts, antivirus, screening, filters, logging);
    }

    /** This configuration with other connection limits and ban settings. */
    public Config withDefence(Defence newDefence) {
        return new Config(source, hostname, dataDir, domains, postmaster, listen, tls, limits, dns, policy, dmarc, delivery,
                newDefence, mtaSts, antivirus, screening, filters, logging);
    }

    /** This configuration with other outbound delivery settings. */
    public Config withDelivery(Delivery newDelivery) {
        return new Config(source, hostname, dataDir, domains, postmaster, listen, tls, limits, dns, policy, dmarc, newDelivery, defence, mtaSts, antivirus, screening, filters, logging);
    }

    /** This configuration serving other domains under another host name (tests run several servers). */
    public Config withDomains(String newHostname, List<String> newDomains) {
        return new Config(source, newHostname, dataDir, newDomains, postmaster, listen, tls, limits, dns,
                Policy.defaults(newHostname), dmarc, delivery, defence, mtaSts, antivirus, screening, filters, logging);
    }

    /** The primary local domain: the first one configured. */
    public Optional<String> primaryDomain() {
        return domains.stream().findFirst();
    }

    /** The local instance {@code bastion serve} runs without a file: loopback, high ports, example.test. */
    public static Config localDefault(Path dataDir) {
        return new Config(
                Optional.empty(),
                "mx.example.test",
                dataDir,
                List.of("example.test"),
                Optional.empty(),
                new Listen(
                        Optional.of(new InetSocketAddress("127.0.0.1", 2525)),
                        Optional.of(new InetSocketAddress("127.0.0.1", 5587)),
                        Optional.of(new InetSocketAddress("127.0.0.1", 4465)),
                        Optional.of(new InetSocketAddress("127.0.0.1", 1143)),
                        Optional.of(new InetSocketAddress("127.0.0.1", 1993)),
                        Optional.of(new InetSocketAddress("127.0.0.1", 1110)),
                        Optional.of(new InetSocketAddress("127.0.0.1", 1995))),
                new Tls(Optional.empty(), Optional.empty()),
                Limits.defaults(),
                Dns.defaults(),
                Policy.defaults("mx.example.test"),
                Dmarc.defaults(),
                Delivery.defaults(),
                Defence.defaults(),
                MtaStsPolicy.none(),
                Antivirus.none());
    }
}
