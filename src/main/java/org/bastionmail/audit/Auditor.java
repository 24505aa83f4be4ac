package org.bastionmail.audit;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.bastionmail.dane.DanePolicy;
import org.bastionmail.dns.DnsResolver;
import org.bastionmail.dns.DnssecStatus;
import org.bastionmail.dns.Lookup;
import org.bastionmail.mtasts.HttpsPolicyFetcher;
import org.bastionmail.mtasts.PolicyFetcher;

/**
 * Audits a mail domain or one SMTP server (issue 6): DNS, SPF, DMARC, DKIM, MTA-STS, TLS-RPT and DANE records,
 * then every MX host's SMTP service. Independent checks run at the same time on virtual threads, each
 * bounded by a deadline; a check that fails to complete is an error of the report, not a finding.
 */
public final class Auditor {
    /** Bounds the number of MX hosts and addresses probed, whatever the DNS says. */
    static final int MAX_HOSTS = 10;

    private final AuditSettings settings;
    private final PolicyFetcher fetcher;

    public Auditor(AuditSettings settings) {
        this(settings, HttpsPolicyFetcher.withDefaultTrust(settings.dns()));
    }

    public Auditor(AuditSettings settings, PolicyFetcher fetcher) {
        this.settings = settings;
        this.fetcher = fetcher;
    }

    /**
     * Audits {@code domain} and each of its MX hosts; {@code progress} hears what is being checked.
     *
     * @throws IllegalArgumentException when the smuggling probe's recipient is not in {@code domain}
     */
    public AuditReport auditDomain(String domain, Consumer<String> progress) {
        String name = normalise(domain);
        settings.smugglingRecipient().ifPresent(r -> {
            if (!r.domain().equals(name)) {
                throw new IllegalArgumentException("--probe-recipient: " + r + " is not in the audited domain " + name);
            }
        });
        DnsResolver dns = settings.dns();
        Run run = new Run(progress);
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            run.submit(executor, "SPF", () -> new SpfAudit(dns, name).run());
            run.submit(executor, "DMARC", () -> new PolicyRecordsAudit(dns, name).dmarc());
            run.submit(executor, "DKIM", () -> new PolicyRecordsAudit(dns, name).dkim(settings.selectors(), !settings.dkimSelectors().isEmpty()));
            run.submit(executor, "TLS-RPT", () -> new StsAudit(dns, fetcher, name).tlsRpt());
            progress.accept("MX records of " + name);
            Lookup<List<DnsResolver.MxRecord>> mx = dns.mx(name);
            List<String> hosts = mxHosts(name, mx, run.findings, run.errors);
            run.submit(executor, "MTA-STS", () -> new StsAudit(dns, fetcher, name).mtaSts(hosts));
            run.submit(executor, "DNSSEC", () -> new DnssecAudit(dns, name).run(hosts));
            for (String host : hosts) {
                run.submit(executor, "CNAME of " + host, () -> mxAlias(dns, name, host));
            }
            for (String host : hosts) {
                auditHost(executor, run, host, name, settings.smtpPort(), mx.dnssec());
            }
            run.await(deadline());
        }
        return new AuditReport(name, run.findings, run.errors);
    }

    /**
     * Audits one SMTP server; {@code host} is a name (resolved with the audit's DNS) or an address literal.
     *
     * @throws IllegalArgumentException when the smuggling probe's recipient is not in the domain of {@code host}
     *     (or {@code host} is an address literal, which has no domain)
     */
    public AuditReport auditServer(String host, int port, Consumer<String> progress) {
        String name = normalise(host);
        // without a domain, the server's own name says which domain is audited: the recipient must be in it or above it
        settings.smugglingRecipient().ifPresent(r -> {
            if (literal(name).isPresent() || !(name.equals(r.domain()) || name.endsWith("." + r.domain()))) {
                throw new IllegalArgumentException("--probe-recipient: " + r + " is not in the domain of the audited server " + name);
            }
        });
        Run run = new Run(progress);
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            auditHost(executor, run, name, name, port, DnssecStatus.INDETERMINATE);
            run.await(deadline());
        }
        return new AuditReport(host + ":" + port, run.findings, run.errors);
    }

    private void auditHost(ExecutorService executor, Run run, String host, String localDomain, int port, DnssecStatus mxStatus) {
        HostAudit hostAudit = new HostAudit(settings.dns(), port);
        List<InetAddress> addresses;
        Optional<InetAddress> literal = literal(host);
        if (literal.isPresent()) {
            addresses = List.of(literal.get());
        } else {
            run.progress.accept("addresses of " + host);
            HostAudit.Addresses found = hostAudit.addresses(host);
            run.findings.addAll(found.findings());
            addresses = found.addresses().stream().limit(MAX_HOSTS).toList();
        }
        Optional<DanePolicy> dane = Optional.empty();
        if (literal.isEmpty()) {
            HostAudit.Dane daneAudit = hostAudit.dane(host);
            run.findings.addAll(daneAudit.findings());
            dane = daneAudit.policy();
        }
        for (InetAddress address : addresses) {
            run.submit(executor, "reverse DNS of " + address.getHostAddress(), () -> hostAudit.reverse(host, address));
            List<SmtpTarget> targets = new ArrayList<>();
            targets.add(new SmtpTarget(host, new InetSocketAddress(address, port), localDomain, false, dane));
            settings.submissionPort().ifPresent(p -> targets.add(new SmtpTarget(host, new InetSocketAddress(address, p), localDomain, true, Optional.empty())));
            settings.implicitTls().submissions().ifPresent(p -> targets.add(new SmtpTarget(host, new InetSocketAddress(address, p), localDomain, true,
                    Optional.empty(), true)));
            access(executor, run, host, localDomain, address, settings.imapPort(), AccessAudit.Protocol.IMAP, false);
            access(executor, run, host, localDomain, address, settings.implicitTls().imaps(), AccessAudit.Protocol.IMAP, true);
            access(executor, run, host, localDomain, address, settings.pop3Port(), AccessAudit.Protocol.POP3, false);
            access(executor, run, host, localDomain, address, settings.implicitTls().pop3s(), AccessAudit.Protocol.POP3, true);
            for (SmtpTarget target : targets) {
                List<Callable<List<Finding>>> probes = new SmtpAudit(settings, target).probes();
                if (!target.submission() && settings.smugglingRecipient().isPresent()) {
                    probes = new ArrayList<>(probes);
                    probes.addAll(new SmugglingProbe(settings, target, settings.smugglingRecipient().get()).probes());
                }
                for (int i = 0; i < probes.size(); i++) {
                    run.submit(executor, "SMTP " + target.label() + " probe " + (i + 1), probes.get(i));
                }
            }
        }
    }

    /** RFC 2181 10.3 and RFC 5321 5.1: an MX exchange must be a host name with addresses, not an alias. */
    private static List<Finding> mxAlias(DnsResolver dns, String domain, String host) {
        if (dns.cname(host) instanceof Lookup.Found<List<String>> alias) {
            return List.of(new Finding("dns.mx.cname", Severity.MEDIUM, "MX " + domain,
                    "The MX host " + host + " is an alias (CNAME) for " + String.join(", ", alias.records()),
                    "CNAME " + host + ": " + HostAudit.describe(alias),
                    "Point the MX record at the canonical name " + String.join(", ", alias.records()) + " (RFC 2181 10.3); some senders refuse aliases."));
        }
        return List.of();
    }

    private void access(ExecutorService executor, Run run, String host, String localDomain, InetAddress address, Optional<Integer> port,
            AccessAudit.Protocol protocol, boolean implicitTls) {
        port.ifPresent(p -> {
            SmtpTarget target = new SmtpTarget(host, new InetSocketAddress(address, p), localDomain, true, Optional.empty(), implicitTls);
            run.submit(executor, protocol + (implicitTls ? "S " : " ") + target.label(), () -> new AccessAudit(settings, target, protocol).run());
        });
    }

    private List<String> mxHosts(String domain, Lookup<List<DnsResolver.MxRecord>> mx, List<Finding> findings, List<String> errors) {
        String subject = "MX " + domain;
        String evidence = "MX " + domain + ": " + HostAudit.describe(mx);
        switch (mx) {
            case Lookup.Failed<List<DnsResolver.MxRecord>> failed -> {
                // a bogus answer is a finding of the DNSSEC check, not an error of the audit
                if (failed.dnssec() != DnssecStatus.BOGUS) {
                    errors.add("MX lookup of " + domain + " failed: " + failed.reason());
                }
                return List.of();
            }
            case Lookup.NoSuchName<List<DnsResolver.MxRecord>> n -> {
                findings.add(new Finding("dns.nxdomain", Severity.HIGH, subject, domain + " does not exist", evidence, "Check the domain name."));
                return List.of();
            }
            case Lookup.NoRecords<List<DnsResolver.MxRecord>> n -> {
                findings.add(new Finding("dns.mx.missing", Severity.MEDIUM, subject, "No MX records: senders fall back to the domain's address (RFC 5321 5.1)",
                        evidence, "Publish MX records, or a null MX (\"0 .\", RFC 7505) if the domain receives no mail."));
                return List.of();
            }
            case Lookup.Found<List<DnsResolver.MxRecord>> found -> {
                List<DnsResolver.MxRecord> records = found.records().stream()
                        .sorted(Comparator.comparingInt(DnsResolver.MxRecord::preference)).toList();
                // RFC 7505 3: a single MX of preference 0 with the root as exchange says the domain takes no mail
                List<DnsResolver.MxRecord> nulls = records.stream().filter(r -> r.exchange().isEmpty() || r.exchange().equals(".")).toList();
                if (records.size() == 1 && nulls.size() == 1) {
                    findings.add(Finding.info("dns.mx.null", subject, "Null MX: the domain accepts no mail", evidence));
                    return List.of();
                }
                if (!nulls.isEmpty()) {
                    // RFC 7505 3: a null MX must be the only MX record; mixed with others, senders may try either
                    findings.add(new Finding("dns.mx.null-mixed", Severity.MEDIUM, subject, "A null MX is published together with other MX records",
                            evidence, "Publish either only \"0 .\" (the domain takes no mail, RFC 7505) or only real MX hosts."));
                    records = records.stream().filter(r -> !nulls.contains(r)).toList();
                }
                List<String> hosts = new ArrayList<>();
                for (DnsResolver.MxRecord record : records.stream().limit(MAX_HOSTS).toList()) {
                    if (literal(record.exchange()).isPresent()) {
                        findings.add(new Finding("dns.mx.literal", Severity.MEDIUM, subject, "The MX record names an address, not a host: " + record.exchange(),
                                evidence, "MX records must name a host (RFC 5321 5.1, RFC 7505 2)."));
                    } else if (!hosts.contains(normalise(record.exchange()))) {
                        hosts.add(normalise(record.exchange()));
                    }
                }
                findings.add(Finding.info("dns.mx", subject, "MX hosts: " + String.join(", ", hosts), evidence));
                return hosts;
            }
        }
    }

    private Duration deadline() {
        // every probe step has the settings' timeout; a probe makes at most a few dozen of them
        return settings.timeout().multipliedBy(6);
    }

    static Optional<InetAddress> literal(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        try {
            return Optional.of(InetAddress.ofLiteral(h));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String normalise(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    /** The checks of one audit: their futures, the findings and the errors, collected in submission order. */
    private static final class Run {
        final Consumer<String> progress;
        final List<Finding> findings = new ArrayList<>();
        final List<String> errors = new ArrayList<>();
        private final List<String> names = new ArrayList<>();
        private final List<Future<List<Finding>>> futures = new ArrayList<>();

        Run(Consumer<String> progress) {
            this.progress = progress;
        }

        void submit(ExecutorService executor, String name, Callable<List<Finding>> check) {
            progress.accept(name);
            names.add(name);
            futures.add(executor.submit(check));
        }

        void await(Duration deadline) {
            long end = System.nanoTime() + deadline.toNanos();
            for (int i = 0; i < futures.size(); i++) {
                Future<List<Finding>> future = futures.get(i);
                try {
                    findings.addAll(future.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS));
                } catch (TimeoutException e) {
                    future.cancel(true);
                    errors.add(names.get(i) + ": no result within " + deadline.toSeconds() + " s");
                } catch (ExecutionException e) {
                    errors.add(names.get(i) + ": " + e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    errors.add(names.get(i) + ": interrupted");
                    return;
                }
            }
        }
    }
}
