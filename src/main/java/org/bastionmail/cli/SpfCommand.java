package org.bastionmail.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Clock;
import org.bastionmail.config.Config;
import org.bastionmail.dns.DnsjavaResolver;
import org.bastionmail.spf.SpfResult;
import org.bastionmail.spf.SpfVerifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bastion spf check}: what SPF (RFC 7208) says about a client and sender, through the configured resolver. */
@Command(name = "spf", description = "Check SPF policies.", mixinStandardHelpOptions = true)
final class SpfCommand {

    @Command(name = "check", description = "Check the MAIL FROM identity; the first word printed is the result.")
    void check(@Mixin ConfigOption option,
               @Option(names = "--ip", required = true, paramLabel = "IP", description = "the client's address") String ip,
               @Option(names = "--sender", required = true, paramLabel = "ADDR",
                       description = "the MAIL FROM address; \"\" for the null reverse-path") String sender,
               @Option(names = "--helo", required = true, paramLabel = "NAME", description = "the HELO/EHLO name") String helo) {
        InetAddress client = parseIp(ip);
        Config config = option.load();
        DnsjavaResolver dns;
        try {
            dns = DnsjavaResolver.create(config.dns());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set up the DNS resolver: " + e.getMessage(), e);
        }
        SpfResult result = new SpfVerifier(dns, Clock.systemUTC(), config.hostname()).checkMailFrom(client, sender, helo);
        System.out.println(result.verdict().label() + " (" + result.sender() + " from " + client.getHostAddress() + ")");
        System.out.println("reason: " + result.reason());
        result.mechanism().ifPresent(m -> System.out.println("mechanism: " + m));
        result.explanation().ifPresent(e -> System.out.println("explanation: " + e));
        System.out.println("lookups: " + result.lookups().size());
        result.lookups().forEach(l -> System.out.println("  " + l));
    }

    // a literal only: a host name here would be resolved with the system resolver, behind the user's back
    private static InetAddress parseIp(String ip) {
        try {
            return InetAddress.ofLiteral(ip);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--ip: '" + ip + "' is not an IPv4 or IPv6 address");
        }
    }
}
