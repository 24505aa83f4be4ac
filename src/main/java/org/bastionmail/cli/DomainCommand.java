package org.bastionmail.cli;

import org.bastionmail.directory.Directory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code bastion domain add|del|list}: local domains beyond those in the configuration file. */
@Command(name = "domain", description = "Manage local domains.", mixinStandardHelpOptions = true)
final class DomainCommand {

    @Command(name = "add", description = "Add a local domain.")
    void add(@Mixin ConfigOption config, @Parameters(paramLabel = "DOMAIN") String domain) {
        try (Directory directory = UserCommand.open(config)) {
            directory.addDomain(domain);
        }
        System.out.println("added domain " + domain);
    }

    @Command(name = "del", description = "Delete a local domain (one from the configuration file must be removed there).")
    void del(@Mixin ConfigOption config, @Parameters(paramLabel = "DOMAIN") String domain) {
        try (Directory directory = UserCommand.open(config)) {
            directory.deleteDomain(domain);
        }
        System.out.println("deleted domain " + domain);
    }

    @Command(name = "list", description = "List local domains.")
    void list(@Mixin ConfigOption config) {
        try (Directory directory = UserCommand.open(config)) {
            directory.domains().stream().sorted().forEach(System.out::println);
        }
    }
}
