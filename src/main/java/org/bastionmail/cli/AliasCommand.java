package org.bastionmail.cli;

import java.util.List;
import org.bastionmail.directory.Directory;
import org.bastionmail.mail.MailAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code bastion alias add|del|list}: addresses that deliver to other addresses. */
@Command(name = "alias", description = "Manage aliases.", mixinStandardHelpOptions = true)
final class AliasCommand {

    @Command(name = "add", description = "Add an alias delivering to one or more targets.")
    void add(@Mixin ConfigOption config, @Parameters(index = "0", paramLabel = "ALIAS") String alias,
             @Parameters(index = "1..*", arity = "1..*", paramLabel = "TARGET") List<String> targets) {
        try (Directory directory = UserCommand.open(config)) {
            directory.addAlias(MailAddress.parse(alias), targets.stream().map(MailAddress::parse).toList());
        }
        System.out.println("added alias " + alias + " -> " + String.join(", ", targets));
    }

    @Command(name = "del", description = "Delete an alias.")
    void del(@Mixin ConfigOption config, @Parameters(paramLabel = "ALIAS") String alias) {
        try (Directory directory = UserCommand.open(config)) {
            directory.deleteAlias(MailAddress.parse(alias));
        }
        System.out.println("deleted alias " + alias);
    }

    @Command(name = "list", description = "List aliases.")
    void list(@Mixin ConfigOption config) {
        try (Directory directory = UserCommand.open(config)) {
            directory.aliases().forEach(System.out::println);
        }
    }
}
