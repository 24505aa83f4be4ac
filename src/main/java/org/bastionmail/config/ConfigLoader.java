package org.bastionmail.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.net.InetSocketAddress;
import java.util.Set;
import org.bastionmail.mail.DomainNames;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.net.Cidr;

/**
 * Reads the TOML configuration file. Every unknown key and every bad value is reported with the file,
 * the key and the reason, all at once, and the server does not start.
 */
public final class ConfigLoader {
    private static final Set<String> TOP_KEYS = Set.of("hostname", "data_dir", "domains", "postmaster", "listen", "tls", "limits", "dns", "policy", "dmarc", "delivery", "defence", "mta_sts", "antivirus", "screening", "filters", "log");
    private static final Set<String> LISTEN_KEYS = Set.of("smtp", "submission", "submissions", "imap", "imaps", "pop3", "pop3s", "mta_sts", "admin");
    private static final Set<String> TLS_KEYS = Set.of("cert", "key");
    private static final Set<String> LIMIT_KEYS = Set.of("message_size", "recipients", "command_line", "line_length",
            "header_size", "errors", "idle_timeout", "session_timeout", "mailbox_quota");
    private static final Set<String> DNS_KEYS = Set.of("servers", "timeout", "trust_anchors", "dnssec");
    private static final Set<String> POLICY_KEYS = Set.of("authserv_id", "dmarc", "spf_fail", "spf_softfail", "dkim_fail",
            "dmarc_reject", "dmarc_quarantine", "iprev_fail");
    private static final Set<String> DMARC_KEYS = Set.of("public_suffix_list");
    private static final Set<String> DELIVERY_KEYS = Set.of("remote_port", "trust_anchors", "source_ip", "smarthost",
            "smarthost_tls", "smarthost_user", "smarthost_password_file", "relay_networks", "give_up_after",
            "delay_warning_after");
    private static final Set<String> DEFENCE_KEYS = Set.of("max_connections", "max_connections_per_ip",
            "connection_rate_per_ip", "auth_failures", "auth_failure_window", "ban_time", "ban_time_max", "allow_networks",
            "message_rate_per_ip", "recipient_rate_per_user", "auth_on_mx");
    private static final Set<String> SCREENING_KEYS = Set.of("banner_delay", "dnsbl", "dnsbl_threshold", "dnswl",
            "greylisting");
    private static final Set<String> GREYLISTING_KEYS = Set.of("enabled", "delay", "retry_window", "expiry",
            "max_entries", "spf_pass_domains");
    private static final int MAX_DNS_LISTS = 32;

    private final Path file;
    private final List<String> problems = new ArrayList<>();

    private ConfigLoader(Path file) {
        this.file = file;
    }

    /** Loads and validates {@code file}. */
    public static Config load(Path file) throws ConfigException {
        return new ConfigLoader(file).read();
    }

    private Config read() throws ConfigException {
        JsonNode root;
        try {
            root = new TomlMapper().readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new ConfigException(List.of(file + ": file not found"));
        } catch (JacksonException e) {
            throw new ConfigException(List.of(file + ": not valid TOML: " + e.getOriginalMessage()));
        } catch (IOException e) {
            throw new ConfigException(List.of(file + ": cannot read: " + e.getMessage()));
        }
        unknownKeys(root, "", TOP_KEYS);
        Path base = file.toAbsolutePath().getParent();

        String hostname = string(root, "hostname").map(this::hostname).orElseGet(Hostnames::local);
        Path dataDir = string(root, "data_dir").map(p -> base.resolve(p).normalize()).orElse(Path.of("/var/lib/bastion"));
        List<String> domains = domains(root.get("domains"));
        Optional<MailAddress> postmaster = string(root, "postmaster").flatMap(this::postmaster);

        JsonNode listen = table(root, "listen");
        unknownKeys(listen, "listen.", LISTEN_KEYS);
        Config.Listen listeners = new Config.Listen(
                socket(listen, "listen.smtp"), socket(listen, "listen.submission"), socket(listen, "listen.submissions"),
                socket(listen, "listen.imap"), socket(listen, "listen.imaps"), socket(listen, "listen.pop3"),
                socket(listen, "listen.pop3s"), socket(listen, "listen.mta_sts"), adminSocket(listen));

        JsonNode tls = table(root, "tls");
        unknownKeys(tls, "tls.", TLS_KEYS);
        Optional<Path> cert = string(tls, "tls.cert").map(base::resolve);
        Optional<Path> key = string(tls, "tls.key").map(base::resolve);
        if (cert.isPresent() != key.isPresent()) {
            problems.add(file + ": tls: cert and key must be given together (or both left out for a self-signed certificate)");
        }

        JsonNode limits = table(root, "limits");
        unknownKeys(limits, "limits.", LIMIT_KEYS);
        Config.Limits d = Config.Limits.defaults();
        Config.Limits parsedLimits = new Config.Limits(
                number(limits, "limits.message_size", d.messageSize(), 1024, 1L << 40),
                (int) number(limits, "limits.recipients", d.recipients(), 1, 100_000),
                (int) number(limits, "limits.command_line", d.commandLine(), 512, 1 << 20),
                (int) number(limits, "limits.line_length", d.lineLength(), 1000, 1 << 24),
                (int) number(limits, "limits.header_size", d.headerSize(), 1024, 1 << 26),
                (int) number(limits, "limits.errors", d.errors(), 1, 10_000),
                Duration.ofSeconds(number(limits, "limits.idle_timeout", d.idleTimeout().toSeconds(), 1, 86_400)),
                Duration.ofSeconds(number(limits, "limits.session_timeout", d.sessionTimeout().toSeconds(), 1, 7 * 86_400)),
                number(limits, "limits.mailbox_quota", d.mailboxQuota(), 1024, Long.MAX_VALUE));

        JsonNode dnsTable = table(root, "dns");
        unknownKeys(dnsTable, "dns.", DNS_KEYS);
        Config.Dns dnsDefaults = Config.Dns.defaults();
        Config.Dns dns = new Config.Dns(
                servers(dnsTable.get("servers")),
                Duration.ofSeconds(number(dnsTable, "dns.timeout", dnsDefaults.timeout().toSeconds(), 1, 60)),
                string(dnsTable, "dns.trust_anchors").map(p -> base.resolve(p).normalize()),
                bool(dnsTable, "dns.dnssec", dnsDefaults.dnssec()));

        JsonNode policyTable = table(root, "policy");
        unknownKeys(policyTable, "policy.", POLICY_KEYS);
        Config.Policy p = Config.Policy.defaults(hostname);
        Config.Policy policy = new Config.Policy(
                string(policyTable, "policy.authserv_id").map(this::authservId).orElse(hostname),
                bool(policyTable, "policy.dmarc", p.honourDmarc()),
                action(policyTable, "policy.spf_fail", p.spfFail()),
                action(policyTable, "policy.spf_softfail", p.spfSoftfail()),
                action(policyTable, "policy.dkim_fail", p.dkimFail()),
                action(policyTable, "policy.dmarc_reject", p.dmarcReject()),
                action(policyTable, "policy.dmarc_quarantine", p.dmarcQuarantine()),
                action(policyTable, "policy.iprev_fail", p.iprevFail()));

        JsonNode dmarcTable = table(root, "dmarc");
        unknownKeys(dmarcTable, "dmarc.", DMARC_KEYS);
        Config.Dmarc dmarc = new Config.Dmarc(
                string(dmarcTable, "dmarc.public_suffix_list").map(f -> base.resolve(f).normalize()));

        Config.Delivery delivery = delivery(table(root, "delivery"), base);
        Config.Defence defence = defence(table(root, "defence"));
        Config.MtaStsPolicy mtaSts = mtaStsPolicy(table(root, "mta_sts"), listeners);
        Config.Antivirus antivirus = antivirus(table(root, "antivirus"), base);
        Config.Screening screening = screening(table(root, "screening"));
        Config.Filters filters = filters(table(root, "filters"), base);
        Config.Logging logging = logging(table(root, "log"), base);

        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new Config(Optional.of(file), hostname, dataDir, domains, postmaster, listeners,
                new Config.Tls(cert, key), parsedLimits, dns, policy, dmarc, delivery, defence, mtaSts, antivirus,
                screening, filters, logging);
    }

    /** {@code [screening]}: pregreet, DNS block and allow lists, greylisting. */
    private Config.Screening screening(JsonNode table) {
        unknownKeys(table, "screening.", SCREENING_KEYS);
        Config.Screening d = Config.Screening.defaults();
        return new Config.Screening(
                Duration.ofSeconds(number(table, "screening.banner_delay", d.bannerDelay().toSeconds(), 0, 30)),
                dnsLists(table.get("dnsbl"), "screening.dnsbl", true),
                (int) number(table, "screening.dnsbl_threshold", d.dnsblThreshold(), 1, 1000),
                dnsLists(table.get("dnswl"), "screening.dnswl", false),
                greylisting(table.get("greylisting")));
    }

    /** {@code [[screening.dnsbl]]} / {@code [[screening.dnswl]]}: zone, weight (block lists only), answers. */
    private List<Config.Screening.DnsList> dnsLists(JsonNode node, String key, boolean weighted) {
        if (node == null) {
            return List.of();
        }
        if (!node.isArray() || node.size() > MAX_DNS_LISTS) {
            problems.add(file + ": " + key + ": must be at most " + MAX_DNS_LISTS + " tables ([[" + key + "]] zone = ...)");
            return List.of();
        }
        List<Config.Screening.DnsList> lists = new ArrayList<>();
        for (JsonNode entry : node) {
            if (!entry.isObject()) {
                problems.add(file + ": " + key + ": each entry must be a table with a zone");
                continue;
            }
            unknownKeys(entry, key + ".", weighted ? Set.of("zone", "weight", "answers") : Set.of("zone", "answers"));
            Optional<String> zone = string(entry, key + ".zone");
            if (zone.isEmpty() || !DomainNames.isValid(zone.get())) {
                problems.add(file + ": " + key + ".zone: " + zone.map(z -> "\"" + z + "\" is not a domain name")
                        .orElse("missing"));
                continue;
            }
            int weight = (int) number(entry, key + ".weight", 1, 1, 1000);
            List<String> answers = new ArrayList<>();
            JsonNode answerNode = entry.get("answers");
            if (answerNode != null) {
                if (!answerNode.isArray() || answerNode.size() > 256) {
                    problems.add(file + ": " + key + ".answers: must be a list such as [\"127.0.0.2-127.0.0.11\"]");
                } else {
                    try {
                        for (JsonNode answer : answerNode) {
                            if (!answer.isTextual()) {
                                throw new IllegalArgumentException(answer + " is not a string");
                            }
                            answers.add(answer.asText());
                        }
                        org.bastionmail.screening.AnswerCodes.parse(answers);
                    } catch (IllegalArgumentException e) {
                        problems.add(file + ": " + key + ".answers: " + e.getMessage());
                        answers.clear();
                    }
                }
            }
            lists.add(new Config.Screening.DnsList(DomainNames.normalise(zone.get()), weight, answers));
        }
        return List.copyOf(lists);
    }

    /** {@code greylisting = true} or a {@code [screening.greylisting]} table. */
    private Config.Screening.Greylisting greylisting(JsonNode node) {
        Config.Screening.Greylisting d = Config.Screening.Greylisting.off();
        if (node == null) {
            return d;
        }
        if (node.isBoolean()) {
            return new Config.Screening.Greylisting(node.asBoolean(), d.delay(), d.retryWindow(), d.expiry(),
                    d.maxEntries(), d.spfPassDomains());
        }
        if (!node.isObject()) {
            problems.add(file + ": screening.greylisting: must be true, false or a table");
            return d;
        }
        unknownKeys(node, "screening.greylisting.", GREYLISTING_KEYS);
        Duration delay = Duration.ofSeconds(number(node, "screening.greylisting.delay", d.delay().toSeconds(), 1, 86_400));
        Duration window = Duration.ofSeconds(number(node, "screening.greylisting.retry_window",
                d.retryWindow().toSeconds(), 60, 30 * 86_400L));
        if (window.compareTo(delay) <= 0) {
            problems.add(file + ": screening.greylisting.retry_window: must be longer than delay");
        }
        Duration expiry = Duration.ofSeconds(number(node, "screening.greylisting.expiry", d.expiry().toSeconds(),
                3600, 366 * 86_400L));
        int max = (int) number(node, "screening.greylisting.max_entries", d.maxEntries(), 1000, 100_000_000);
        List<String> domains = new ArrayList<>();
        JsonNode domainNode = node.get("spf_pass_domains");
        if (domainNode != null) {
            if (!domainNode.isArray() || domainNode.size() > 10_000) {
                problems.add(file + ": screening.greylisting.spf_pass_domains: must be a list of domain names");
            } else {
                for (JsonNode element : domainNode) {
                    if (!element.isTextual() || !DomainNames.isValid(element.asText())) {
                        problems.add(file + ": screening.greylisting.spf_pass_domains: " + element + " is not a domain name");
                    } else {
                        domains.add(DomainNames.normalise(element.asText()));
                    }
                }
            }
        }
        return new Config.Screening.Greylisting(bool(node, "screening.greylisting.enabled", true), delay, window, expiry,
                max, domains);
    }

    /** {@code [filters]}: milters and rspamd. */
    private Config.Filters filters(JsonNode table, Path base) {
        unknownKeys(table, "filters.", Set.of("milter", "rspamd"));
        List<Config.Filters.Milter> milters = new ArrayList<>();
        JsonNode milterNode = table.get("milter");
        if (milterNode != null) {
            if (!milterNode.isArray() || milterNode.size() > 32) {
                problems.add(file + ": filters.milter: must be a list of up to 32 tables ([[filters.milter]])");
            } else {
                for (JsonNode element : milterNode) {
                    if (!element.isObject()) {
                        problems.add(file + ": filters.milter: each entry must be a table");
                        continue;
                    }
                    milter(element, base).ifPresent(milters::add);
                }
            }
        }
        Optional<Config.Filters.Rspamd> rspamd = Optional.empty();
        if (table.has("rspamd")) {
            JsonNode r = table(table, "rspamd");
            unknownKeys(r, "filters.rspamd.", Set.of("url", "fail_open", "timeout", "max_size"));
            Optional<java.net.URI> url = string(r, "filters.rspamd.url").flatMap(text -> {
                try {
                    java.net.URI uri = new java.net.URI(text);
                    org.bastionmail.filter.rspamd.RspamdSettings.check(uri);
                    return Optional.of(uri);
                } catch (java.net.URISyntaxException | IllegalArgumentException e) {
                    problems.add(file + ": filters.rspamd.url: \"" + text + "\" must be http://host:port, e.g. http://127.0.0.1:11333");
                    return Optional.empty();
                }
            });
            if (url.isEmpty() && !r.has("url")) {
                problems.add(file + ": filters.rspamd.url: missing (rspamd's normal worker, e.g. http://127.0.0.1:11333)");
            }
            boolean failOpen = bool(r, "filters.rspamd.fail_open", false);
            Duration timeout = Duration.ofSeconds(number(r, "filters.rspamd.timeout", 30, 1, 600));
            long maxSize = number(r, "filters.rspamd.max_size", 26_214_400L, 1024, 1L << 32);
            rspamd = url.map(u -> new Config.Filters.Rspamd(u, failOpen, timeout, maxSize));
        }
        return new Config.Filters(milters, rspamd);
    }

    /** One {@code [[filters.milter]]} table. */
    private Optional<Config.Filters.Milter> milter(JsonNode table, Path base) {
        unknownKeys(table, "filters.milter.", Set.of("address", "fail_open", "timeout"));
        Optional<String> address = string(table, "filters.milter.address").flatMap(text -> {
            // A relative Unix socket path is relative to the configuration file, like every other path.
            String resolved = text.startsWith("unix:") && !text.startsWith("unix:/")
                    ? "unix:" + base.resolve(text.substring(5)).normalize() : text;
            try {
                org.bastionmail.filter.milter.MilterSettings.socketAddress(resolved);
                return Optional.of(resolved);
            } catch (IllegalArgumentException e) {
                problems.add(file + ": filters.milter.address: " + e.getMessage());
                return Optional.empty();
            }
        });
        if (address.isEmpty() && !table.has("address")) {
            problems.add(file + ": filters.milter.address: missing (inet:host:port or unix:/path)");
        }
        boolean failOpen = bool(table, "filters.milter.fail_open", false);
        Duration timeout = Duration.ofSeconds(number(table, "filters.milter.timeout", 60, 1, 600));
        return address.map(a -> new Config.Filters.Milter(a, failOpen, timeout));
    }

    /** {@code [log]}: the transaction log. */
    private Config.Logging logging(JsonNode table, Path base) {
        unknownKeys(table, "log.", Set.of("format", "transactions", "rotate", "max_size", "keep", "buffer"));
        Config.Logging d = Config.Logging.defaults();
        Config.Logging.Format format = d.format();
        Optional<String> formatName = string(table, "log.format");
        if (formatName.isPresent()) {
            switch (formatName.get()) {
                case "json" -> format = Config.Logging.Format.JSON;
                case "off" -> format = Config.Logging.Format.OFF;
                default -> problems.add(file + ": log.format: \"" + formatName.get() + "\" is neither \"json\" nor \"off\"");
            }
        }
        boolean daily = d.daily();
        Optional<String> rotate = string(table, "log.rotate");
        if (rotate.isPresent()) {
            switch (rotate.get()) {
                case "daily" -> daily = true;
                case "size" -> daily = false;
                default -> problems.add(file + ": log.rotate: \"" + rotate.get() + "\" is neither \"daily\" nor \"size\"");
            }
        }
        Optional<Path> transactions = string(table, "log.transactions").map(p -> base.resolve(p).normalize());
        return new Config.Logging(format, transactions, daily,
                number(table, "log.max_size", d.maxSize(), 65_536, 1L << 40),
                (int) number(table, "log.keep", d.keep(), 0, 10_000),
                (int) number(table, "log.buffer", d.buffer(), 16, 1_000_000));
    }

    private Config.Delivery delivery(JsonNode table, Path base) {
        unknownKeys(table, "delivery.", DELIVERY_KEYS);
        int remotePort = (int) number(table, "delivery.remote_port", 25, 1, 65535);
        Optional<java.net.InetAddress> source = string(table, "delivery.source_ip").flatMap(ip -> {
            try {
                return Optional.of(SocketAddresses.parse(ip.contains(":") ? "[" + ip + "]:1" : ip + ":1").getAddress());
            } catch (IllegalArgumentException e) {
                problems.add(file + ": delivery.source_ip: \"" + ip + "\" is not an IP address");
                return Optional.empty();
            }
        });
        Optional<Config.Smarthost> smarthost = string(table, "delivery.smarthost").flatMap(hostPort -> {
            int colon = hostPort.lastIndexOf(':');
            String host = colon > 0 ? hostPort.substring(0, colon) : hostPort;
            int port;
            try {
                port = colon > 0 ? Integer.parseInt(hostPort.substring(colon + 1)) : 587;
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (!DomainNames.isValid(host) || port < 1 || port > 65535) {
                problems.add(file + ": delivery.smarthost: \"" + hostPort + "\" must be host or host:port");
                return Optional.empty();
            }
            String security = string(table, "delivery.smarthost_tls").orElse(port == 465 ? "implicit" : "starttls");
            if (!security.equals("implicit") && !security.equals("starttls")) {
                problems.add(file + ": delivery.smarthost_tls: must be \"starttls\" or \"implicit\"");
            }
            Optional<String> user = string(table, "delivery.smarthost_user");
            Optional<Path> password = string(table, "delivery.smarthost_password_file").map(f -> base.resolve(f).normalize());
            if (user.isPresent() != password.isPresent()) {
                problems.add(file + ": delivery.smarthost_user and smarthost_password_file go together");
            }
            return Optional.of(new Config.Smarthost(DomainNames.normalise(host), port, security.equals("implicit"), user, password));
        });
        List<Cidr> relay = networks(table.get("relay_networks"), List.of(), "delivery.relay_networks").stream()
                .map(Cidr::parse).toList();
        Optional<Path> trustAnchors = string(table, "delivery.trust_anchors").map(f -> base.resolve(f).normalize());
        Duration giveUp = Duration.ofSeconds(number(table, "delivery.give_up_after",
                Config.Delivery.GIVE_UP_AFTER.toSeconds(), 3600, 30 * 86_400L));
        Duration warnAfter = Duration.ofSeconds(number(table, "delivery.delay_warning_after",
                Config.Delivery.DELAY_WARNING_AFTER.toSeconds(), 600, 30 * 86_400L));
        if (warnAfter.compareTo(giveUp) >= 0) {
            problems.add(file + ": delivery.delay_warning_after: must be shorter than give_up_after");
        }
        return new Config.Delivery(remotePort, source, smarthost, relay, trustAnchors, giveUp, warnAfter);
    }

    /** {@code [antivirus]}: clamd's address and what to do when it cannot answer. */
    private Config.Antivirus antivirus(JsonNode table, Path base) {
        unknownKeys(table, "antivirus.", Set.of("clamd", "fail_open", "max_size", "timeout"));
        Config.Antivirus d = Config.Antivirus.none();
        Optional<String> clamd = string(table, "antivirus.clamd").flatMap(address -> {
            if (address.startsWith("/") || address.startsWith(".")) {
                return Optional.of(base.resolve(address).normalize().toString());
            }
            try {
                SocketAddresses.parse(address);
                return Optional.of(address);
            } catch (IllegalArgumentException e) {
                problems.add(file + ": antivirus.clamd: " + e.getMessage() + " (or the path of clamd's Unix socket)");
                return Optional.empty();
            }
        });
        JsonNode failOpen = table.get("fail_open");
        if (failOpen != null && !failOpen.isBoolean()) {
            problems.add(file + ": antivirus.fail_open: must be true or false");
        }
        return new Config.Antivirus(clamd, failOpen != null && failOpen.asBoolean(),
                number(table, "antivirus.max_size", d.maxSize(), 1024, 1L << 32),
                Duration.ofSeconds(number(table, "antivirus.timeout", d.timeout().toSeconds(), 1, 600)));
    }

    /** {@code [listen] admin}: plain HTTP without authentication, so loopback only. */
    private Optional<InetSocketAddress> adminSocket(JsonNode listen) {
        Optional<InetSocketAddress> admin = socket(listen, "listen.admin");
        if (admin.isPresent() && (admin.get().getAddress() == null || !admin.get().getAddress().isLoopbackAddress())) {
            problems.add(file + ": listen.admin: must be a loopback address such as 127.0.0.1:8025");
            return Optional.empty();
        }
        return admin;
    }

    /** {@code [mta_sts]}: the policy Bastion serves for its own domains (RFC 8461 3.2). */
    private Config.MtaStsPolicy mtaStsPolicy(JsonNode table, Config.Listen listeners) {
        unknownKeys(table, "mta_sts.", Set.of("mode", "mx", "max_age"));
        Optional<String> mode = string(table, "mta_sts.mode");
        if (mode.isPresent() && !Set.of("enforce", "testing", "none").contains(mode.get())) {
            problems.add(file + ": mta_sts.mode: must be \"enforce\", \"testing\" or \"none\"");
        }
        List<String> mx = new ArrayList<>();
        JsonNode mxNode = table.get("mx");
        if (mxNode != null) {
            if (!mxNode.isArray()) {
                problems.add(file + ": mta_sts.mx: must be a list of MX host patterns, e.g. [\"mx.example.org\"]");
            } else {
                for (JsonNode element : mxNode) {
                    String pattern = element.asText();
                    String name = pattern.startsWith("*.") ? pattern.substring(2) : pattern;
                    if (!element.isTextual() || !DomainNames.isValid(name)) {
                        problems.add(file + ": mta_sts.mx: " + element + " is not a host name or *.domain pattern");
                    } else {
                        mx.add(pattern.toLowerCase(java.util.Locale.ROOT));
                    }
                }
            }
        }
        if (mode.isPresent() && !mode.get().equals("none") && mx.isEmpty()) {
            problems.add(file + ": mta_sts.mx: a policy in mode " + mode.get() + " needs at least one mx pattern");
        }
        if (mode.isPresent() && listeners.mtaSts().isEmpty()) {
            problems.add(file + ": mta_sts: a policy is configured but [listen] mta_sts is not (where to serve it)");
        }
        // RFC 8461 3.2: max_age up to 31557600 seconds
        Duration maxAge = Duration.ofSeconds(number(table, "mta_sts.max_age", 604_800, 86_400, 31_557_600));
        return new Config.MtaStsPolicy(mode, mx, maxAge);
    }

    private Config.Defence defence(JsonNode table) {
        unknownKeys(table, "defence.", DEFENCE_KEYS);
        Config.Defence d = Config.Defence.defaults();
        Duration banTime = Duration.ofSeconds(number(table, "defence.ban_time", d.banTime().toSeconds(), 1, 365 * 86_400L));
        Duration banTimeMax = Duration.ofSeconds(
                number(table, "defence.ban_time_max", Math.max(d.banTimeMax().toSeconds(), banTime.toSeconds()), 1, 365 * 86_400L));
        if (banTimeMax.compareTo(banTime) < 0) {
            problems.add(file + ": defence.ban_time_max: must not be shorter than defence.ban_time");
            banTimeMax = banTime;
        }
        return new Config.Defence(
                (int) number(table, "defence.max_connections", d.maxConnections(), 1, 1_000_000),
                (int) number(table, "defence.max_connections_per_ip", d.maxConnectionsPerIp(), 1, 1_000_000),
                (int) number(table, "defence.connection_rate_per_ip", d.connectionRatePerIp(), 1, 1_000_000),
                (int) number(table, "defence.auth_failures", d.authFailures(), 1, 10_000),
                Duration.ofSeconds(number(table, "defence.auth_failure_window", d.authFailureWindow().toSeconds(), 1, 7 * 86_400L)),
                banTime, banTimeMax, networks(table.get("allow_networks"), d.allowNetworks()),
                (int) number(table, "defence.message_rate_per_ip", d.messageRatePerIp(), 1, 1_000_000),
                (int) number(table, "defence.recipient_rate_per_user", d.recipientRatePerUser(), 1, 1_000_000),
                bool(table, "defence.auth_on_mx", d.authOnMx()));
    }

    private List<String> networks(JsonNode node, List<String> fallback) {
        return networks(node, fallback, "defence.allow_networks");
    }

    private List<String> networks(JsonNode node, List<String> fallback, String key) {
        if (node == null) {
            return fallback;
        }
        if (!node.isArray() || node.size() > 10_000) {
            problems.add(file + ": " + key + ": must be a list of CIDR ranges, e.g. [\"127.0.0.0/8\", \"::1\"]");
            return fallback;
        }
        List<String> networks = new ArrayList<>();
        for (JsonNode element : node) {
            try {
                if (!element.isTextual()) {
                    throw new IllegalArgumentException(element + " is not a string");
                }
                networks.add(Cidr.parse(element.asText()).toString());
            } catch (IllegalArgumentException e) {
                problems.add(file + ": " + key + ": " + e.getMessage());
            }
        }
        return List.copyOf(networks);
    }

    private void unknownKeys(JsonNode table, String prefix, Set<String> known) {
        for (Iterator<Map.Entry<String, JsonNode>> it = table.properties().iterator(); it.hasNext(); ) {
            String key = it.next().getKey();
            if (!known.contains(key)) {
                problems.add(file + ": " + prefix + key + ": unknown key (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    private JsonNode table(JsonNode root, String key) {
        JsonNode node = root.get(key);
        if (node == null) {
            return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        }
        if (!node.isObject()) {
            problems.add(file + ": " + key + ": must be a table ([" + key + "])");
            return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        }
        return node;
    }

    private Optional<String> string(JsonNode table, String dottedKey) {
        JsonNode node = table.get(lastPart(dottedKey));
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            problems.add(file + ": " + dottedKey + ": must be a non-empty string");
            return Optional.empty();
        }
        return Optional.of(node.asText());
    }

    private long number(JsonNode table, String dottedKey, long fallback, long min, long max) {
        JsonNode node = table.get(lastPart(dottedKey));
        if (node == null) {
            return fallback;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            problems.add(file + ": " + dottedKey + ": must be a whole number");
            return fallback;
        }
        long value = node.asLong();
        if (value < min || value > max) {
            problems.add(file + ": " + dottedKey + ": " + value + " is out of range [" + min + ", " + max + "]");
            return fallback;
        }
        return value;
    }

    private boolean bool(JsonNode table, String dottedKey, boolean fallback) {
        JsonNode node = table.get(lastPart(dottedKey));
        if (node == null) {
            return fallback;
        }
        if (!node.isBoolean()) {
            problems.add(file + ": " + dottedKey + ": must be true or false");
            return fallback;
        }
        return node.asBoolean();
    }

    private Config.Policy.Action action(JsonNode table, String dottedKey, Config.Policy.Action fallback) {
        return string(table, dottedKey).map(text -> switch (text) {
            case "accept" -> Config.Policy.Action.ACCEPT;
            case "tag" -> Config.Policy.Action.TAG;
            case "junk" -> Config.Policy.Action.JUNK;
            case "reject" -> Config.Policy.Action.REJECT;
            default -> {
                problems.add(file + ": " + dottedKey + ": \"" + text + "\" is not one of accept, tag, junk, reject");
                yield fallback;
            }
        }).orElse(fallback);
    }

    // RFC 8601 2.5: the authserv-id names the host or ADMD; it must be a token, as Bastion writes it bare
    private String authservId(String id) {
        if (!DomainNames.isValid(id) || !id.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            problems.add(file + ": policy.authserv_id: \"" + id + "\" is not a valid host or domain name");
            return id;
        }
        return DomainNames.normalise(id);
    }

    private List<java.net.InetSocketAddress> servers(JsonNode node) {
        if (node == null) {
            return List.of();
        }
        if (!node.isArray()) {
            problems.add(file + ": dns.servers: must be a list of ip:port, e.g. [\"127.0.0.1:53\"]");
            return List.of();
        }
        List<java.net.InetSocketAddress> servers = new ArrayList<>();
        for (JsonNode element : node) {
            if (!element.isTextual()) {
                problems.add(file + ": dns.servers: " + element + " is not an ip:port string");
                continue;
            }
            try {
                servers.add(SocketAddresses.parse(element.asText()));
            } catch (IllegalArgumentException e) {
                problems.add(file + ": dns.servers: " + e.getMessage());
            }
        }
        return List.copyOf(servers);
    }

    private Optional<java.net.InetSocketAddress> socket(JsonNode listen, String dottedKey) {
        return string(listen, dottedKey).flatMap(text -> {
            try {
                return Optional.of(SocketAddresses.parse(text));
            } catch (IllegalArgumentException e) {
                problems.add(file + ": " + dottedKey + ": " + e.getMessage());
                return Optional.empty();
            }
        });
    }

    private List<String> domains(JsonNode node) {
        if (node == null) {
            return List.of();
        }
        if (!node.isArray()) {
            problems.add(file + ": domains: must be a list of domain names, e.g. [\"example.org\"]");
            return List.of();
        }
        List<String> domains = new ArrayList<>();
        for (JsonNode element : node) {
            if (!element.isTextual() || !DomainNames.isValid(element.asText())) {
                problems.add(file + ": domains: " + element + " is not a valid domain name");
            } else if (domains.contains(DomainNames.normalise(element.asText()))) {
                problems.add(file + ": domains: " + element + " is listed twice");
            } else {
                domains.add(DomainNames.normalise(element.asText()));
            }
        }
        return List.copyOf(domains);
    }

    private String hostname(String name) {
        if (!DomainNames.isValid(name)) {
            problems.add(file + ": hostname: \"" + name + "\" is not a valid host name");
            return name;
        }
        return DomainNames.normalise(name);
    }

    private Optional<MailAddress> postmaster(String text) {
        try {
            MailAddress address = MailAddress.parse(text);
            if (!DomainNames.isValid(address.domain())) {
                throw new IllegalArgumentException("bad domain");
            }
            return Optional.of(address);
        } catch (IllegalArgumentException e) {
            problems.add(file + ": postmaster: \"" + text + "\" is not an address of the form user@domain");
            return Optional.empty();
        }
    }

    private static String lastPart(String dottedKey) {
        return dottedKey.substring(dottedKey.lastIndexOf('.') + 1);
    }
}
