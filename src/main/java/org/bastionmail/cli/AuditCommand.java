package org.bastionmail.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.bastionmail.audit.AuditReport;
import org.bastionmail.audit.AuditSettings;
import org.bastionmail.audit.Auditor;
import org.bastionmail.audit.CertificateTrust;
import org.bastionmail.audit.ReportJson;
import org.bastionmail.audit.ReportText;
import org.bastionmail.audit.Severity;
import org.bastionmail.config.Config;
import org.bastionmail.dns.DnsjavaResolver;
import org.bastionmail.mail.MailAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bastion audit}: what an attacker could exploit in a mail domain or server, and how to fix it.
 * Exit code 0: no finding reaches --fail-on; 1: one does; 2: usage error, or checks that could not run.
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = {"Audit the security of a mail domain (DNS records and every MX host) or of one SMTP server.",
            "No message is sent unless --probe-smuggling is given: relay tests stop at RCPT."})
final class AuditCommand implements Callable<Integer> {
    static final int DEFAULT_SMTP_PORT = 25;

    @Mixin
    ConfigOption config;

    @Parameters(arity = "0..1", paramLabel = "DOMAIN", description = "the mail domain to audit")
    Optional<String> domain = Optional.empty();

    @Option(names = "--server", paramLabel = "HOST[:PORT]", description = "audit one SMTP server instead of a domain")
    Optional<String> server = Optional.empty();

    @Option(names = "--port", paramLabel = "PORT", description = "SMTP port of the MX hosts (default 25)")
    int port = DEFAULT_SMTP_PORT;

    @Option(names = "--submission", paramLabel = "PORT", description = "also audit the submission service on this port")
    Optional<Integer> submission = Optional.empty();

    @Option(names = "--imap", paramLabel = "PORT", description = "also audit the IMAP service on this port (STARTTLS)")
    Optional<Integer> imap = Optional.empty();

    @Option(names = "--pop3", paramLabel = "PORT", description = "also audit the POP3 service on this port (STLS)")
    Optional<Integer> pop3 = Optional.empty();

    @Option(names = "--submissions", paramLabel = "PORT", description = "also audit the implicit-TLS submission service on this port (465)")
    Optional<Integer> submissions = Optional.empty();

    @Option(names = "--imaps", paramLabel = "PORT", description = "also audit the implicit-TLS IMAP service on this port (993)")
    Optional<Integer> imaps = Optional.empty();

    @Option(names = "--pop3s", paramLabel = "PORT", description = "also audit the implicit-TLS POP3 service on this port (995)")
    Optional<Integer> pop3s = Optional.empty();

    @Option(names = "--dkim-selector", paramLabel = "SELECTOR", description = "DKIM selector to check (repeatable); default: common ones")
    List<String> selectors = new ArrayList<>();

    @Option(names = "--dns", paramLabel = "HOST:PORT", description = "DNS server to ask (repeatable); default: the configuration's [dns]")
    List<String> dnsServers = new ArrayList<>();

    @Option(names = "--ca-file", paramLabel = "FILE", description = "PEM certificates to trust instead of the system's")
    Optional<Path> caFile = Optional.empty();

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "timeout of each step (default 10)")
    int timeoutSeconds = 10;

    @Option(names = "--helo", paramLabel = "NAME", description = "the name given in EHLO (default: the configured host name)")
    Optional<String> helo = Optional.empty();

    @Option(names = "--probe-smuggling", description = "also probe SMTP smuggling: this DELIVERS a few test messages to --probe-recipient")
    boolean probeSmuggling;

    @Option(names = "--probe-recipient", paramLabel = "ADDRESS", description = "the recipient of the smuggling probe's messages, in the audited domain")
    Optional<String> probeRecipient = Optional.empty();

    @Option(names = {"-q", "--quiet"}, description = "no progress on standard error")
    boolean quiet;

    @Option(names = "--json", description = "print the report as JSON")
    boolean json;

    @Option(names = "--fail-on", paramLabel = "SEVERITY", description = "exit 1 when a finding is at least this severe: none, info, low, medium (default), high, critical")
    String failOn = "medium";

    @Override
    public Integer call() {
        PrintStream err = System.err;
        try {
            Optional<Severity> threshold = Severity.parseThreshold(failOn);
            if (domain.isPresent() == server.isPresent()) {
                throw new IllegalArgumentException("give either a DOMAIN or --server HOST[:PORT]");
            }
            if (timeoutSeconds < 1 || timeoutSeconds > 300) {
                throw new IllegalArgumentException("--timeout: 1 to 300 seconds");
            }
            if (probeSmuggling != probeRecipient.isPresent()) {
                throw new IllegalArgumentException("--probe-smuggling and --probe-recipient ADDRESS go together");
            }
            Config loaded = config.load();
            Config.Dns dns = dnsServers.isEmpty() ? loaded.dns()
                    : new Config.Dns(dnsServers.stream().map(AuditCommand::dnsServer).toList(), loaded.dns().timeout(),
                            loaded.dns().trustAnchors(), loaded.dns().dnssec());
            DnsjavaResolver resolver = DnsjavaResolver.create(dns);
            CertificateTrust trust = caFile.isPresent() ? CertificateTrust.pemFile(caFile.get()) : CertificateTrust.system();
            AuditSettings settings = new AuditSettings(resolver, Duration.ofSeconds(timeoutSeconds), port, trust, selectors,
                    helo.orElse(loaded.hostname()), submission).withAccessPorts(imap, pop3)
                    .withImplicitTlsPorts(new AuditSettings.ImplicitTlsPorts(submissions, imaps, pop3s));
            if (probeRecipient.isPresent()) {
                settings = settings.withSmugglingProbe(MailAddress.parse(probeRecipient.get().strip()));
            }
            // Java 22+: System.console() exists even when redirected; isTerminal() says whether it is one
            boolean terminal = System.console() != null && System.console().isTerminal();
            boolean colour = terminal && System.getenv("NO_COLOR") == null;
            Consumer<String> progress = progress(err, terminal && !json, quiet);
            Auditor auditor = new Auditor(settings);
            AuditReport report;
            if (server.isPresent()) {
                InetSocketAddress target = hostPort(server.get(), port);
                report = auditor.auditServer(target.getHostString(), target.getPort(), progress);
            } else {
                report = auditor.auditDomain(domain.get(), progress);
            }
            if (terminal && !json && !quiet) {
                err.print("\r\u001b[2K");
            }
            System.out.print(json ? ReportJson.render(report) + "\n" : ReportText.render(report, colour));
            System.out.flush();
            if (report.fails(threshold)) {
                return 1;
            }
            return report.errors().isEmpty() ? 0 : 2;
        } catch (IllegalArgumentException | IOException e) {
            err.println("bastion audit: " + e.getMessage());
            return 2;
        }
    }

    /**
     * Progress goes to standard error, never into the report: on a terminal one line that is rewritten, elsewhere
     * one line per step (so that logs of CI runs show where an audit spent its time).
     */
    static Consumer<String> progress(PrintStream err, boolean terminal, boolean quiet) {
        if (quiet) {
            return step -> { };
        }
        return terminal ? step -> err.print("\r\u001b[2Kchecking " + step) : step -> err.println("checking " + step);
    }

    /** A DNS server must be an address: resolving its name would need a resolver, and not the user's choice of it. */
    private static InetSocketAddress dnsServer(String text) {
        InetSocketAddress server = hostPort(text, 53);
        try {
            return new InetSocketAddress(java.net.InetAddress.ofLiteral(server.getHostString()), server.getPort());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--dns: '" + text + "' is not an IP address with an optional port");
        }
    }

    /** HOST, HOST:PORT, [IPv6]:PORT or a bare IPv6 literal; never resolved here (the audit's DNS does that). */
    static InetSocketAddress hostPort(String text, int defaultPort) {
        String host = text;
        int port = defaultPort;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("bad address: " + text);
            }
            host = text.substring(1, close);
            if (text.length() > close + 1) {
                if (text.charAt(close + 1) != ':') {
                    throw new IllegalArgumentException("bad address: " + text);
                }
                port = portOf(text.substring(close + 2), text);
            }
        } else if (text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':')) {
            host = text.substring(0, text.indexOf(':'));
            port = portOf(text.substring(text.indexOf(':') + 1), text);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("bad address: " + text);
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    private static int portOf(String text, String whole) {
        try {
            int p = Integer.parseInt(text);
            if (p < 1 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in " + whole);
        }
    }
}
