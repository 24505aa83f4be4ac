package org.bastionmail.cli;

import java.util.Arrays;
import org.bastionmail.config.Config;
import org.bastionmail.directory.Directory;
import org.bastionmail.directory.SqliteDirectory;
import org.bastionmail.mail.MailAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bastion user add|passwd|del|list}: works while the server runs. */
@Command(name = "user", description = "Manage users (mail accounts).", mixinStandardHelpOptions = true)
final class UserCommand {

    @Command(name = "add", description = "Add a user; the password is read from the terminal or stdin.")
    void add(@Mixin ConfigOption config, @Parameters(paramLabel = "ADDRESS") String address,
             @Option(names = "--password-stdin", description = "read the password from the first line of stdin") boolean stdin,
             @Option(names = "--quota", paramLabel = "BYTES", description = "storage quota; default: limits.mailbox_quota") Long quota) {
        MailAddress user = MailAddress.parse(address);
        char[] password = PasswordInput.read(stdin);
        try (Directory directory = open(config)) {
            directory.addUser(user, password);
            if (quota != null) {
                directory.setQuota(user, quota);
            }
        } finally {
            Arrays.fill(password, '\0');
        }
        System.out.println("added user " + user.canonical());
    }

    @Command(name = "passwd", description = "Set a user's password.")
    void passwd(@Mixin ConfigOption config, @Parameters(paramLabel = "ADDRESS") String address,
                @Option(names = "--password-stdin") boolean stdin) {
        MailAddress user = MailAddress.parse(address);
        char[] password = PasswordInput.read(stdin);
        try (Directory directory = open(config)) {
            directory.setPassword(user, password);
        } finally {
            Arrays.fill(password, '\0');
        }
        System.out.println("password changed for " + user.canonical());
    }

    @Command(name = "quota", description = "Set a user's storage quota in bytes (0: the default).")
    void quota(@Mixin ConfigOption config, @Parameters(paramLabel = "ADDRESS") String address,
               @Parameters(paramLabel = "BYTES") long bytes) {
        try (Directory directory = open(config)) {
            directory.setQuota(MailAddress.parse(address), bytes);
        }
    }

    @Command(name = "del", description = "Delete a user (their stored mail stays on disk).")
    void del(@Mixin ConfigOption config, @Parameters(paramLabel = "ADDRESS") String address) {
        try (Directory directory = open(config)) {
            directory.deleteUser(MailAddress.parse(address));
        }
        System.out.println("deleted user " + address);
    }

    @Command(name = "list", description = "List users.")
    void list(@Mixin ConfigOption config) {
        try (Directory directory = open(config)) {
            directory.users().forEach(System.out::println);
        }
    }

    static Directory open(ConfigOption option) {
        Config config = option.load();
        return SqliteDirectory.open(config.dataDir(), config);
    }
}
