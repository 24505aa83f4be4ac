package org.bastionmail.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code bastion} command. */
@Command(name = "bastion", mixinStandardHelpOptions = true, version = "bastion 0.1",
        description = "A secure mail server.",
        subcommands = {ServeCommand.class, UserCommand.class, DomainCommand.class, AliasCommand.class, QueueCommand.class,
                SpfCommand.class, DkimCommand.class, BanCommand.class, AuditCommand.class, TraceCommand.class})
public final class Main {
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code; used by tests too. */
    public static int run(String... args) {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("bastion: " + e.getMessage());
            return e instanceof IllegalArgumentException ? 1 : 2;
        });
        return commandLine.execute(args);
    }
}
