package org.bastionmail.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import org.bastionmail.ban.BanList;
import org.bastionmail.config.Config;
import org.bastionmail.net.ClientNetwork;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bastion ban list|add|del}: the clients refused for failed logins. Works while the server runs; it
 * re-reads the list within a second or two.
 */
@Command(name = "ban", description = "Manage banned client addresses (IPv4, or IPv6 by /64).", mixinStandardHelpOptions = true)
final class BanCommand {
    private static final long MAX_SECONDS = 10L * 365 * 86_400;

    @Command(name = "list", description = "List the bans in force.")
    void list(@Mixin ConfigOption config) {
        BanList bans = open(config.load());
        bans.active().forEach(b -> System.out.println(b.network() + "\tuntil " + b.until() + "\tban " + b.strikes()));
    }

    @Command(name = "add", description = "Ban an address (an IPv6 address bans its /64).")
    void add(@Mixin ConfigOption config, @Parameters(paramLabel = "IP") String ip,
            @Option(names = "--for", paramLabel = "DURATION", description = "e.g. 30m, 12h, 7d (default: defence.ban_time)")
            Optional<String> duration) {
        BanList bans = open(config.load());
        Duration length = duration.map(BanCommand::duration).orElse(bans.settings().firstBan());
        try {
            BanList.Ban ban = bans.ban(ClientNetwork.parse(ip), length);
            System.out.println("banned " + ban.network() + " until " + ban.until());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Command(name = "del", description = "Lift the ban of an address.")
    void del(@Mixin ConfigOption config, @Parameters(paramLabel = "IP") String ip) {
        BanList bans = open(config.load());
        ClientNetwork network = ClientNetwork.parse(ip);
        try {
            System.out.println(bans.lift(network) ? "lifted the ban of " + network : network + " was not banned");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static BanList open(Config config) {
        try {
            return BanList.open(config.dataDir(), BanList.Settings.of(config.defence()), Clock.systemUTC());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code 90s}, {@code 30m}, {@code 12h}, {@code 7d}, or ISO 8601 ({@code PT1H}). */
    static Duration duration(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        try {
            Duration parsed;
            if (t.matches("\\d{1,9}[smhd]")) {
                long n = Long.parseLong(t.substring(0, t.length() - 1));
                parsed = switch (t.charAt(t.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            } else {
                parsed = Duration.parse(text.strip().toUpperCase(Locale.ROOT));
            }
            if (!parsed.isPositive() || parsed.toSeconds() > MAX_SECONDS) {
                throw new IllegalArgumentException("--for: \"" + text + "\" must be between 1 second and 10 years");
            }
            return parsed;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--for: \"" + text + "\" is not a duration like 30m, 12h or 7d");
        }
    }
}
