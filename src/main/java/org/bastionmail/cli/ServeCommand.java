package org.bastionmail.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.bastionmail.config.Config;
import org.bastionmail.server.MailServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code bastion serve}: runs the server in the foreground until SIGTERM or Ctrl-C. */
@Command(name = "serve", description = "Run the mail server in the foreground.", mixinStandardHelpOptions = true)
final class ServeCommand implements java.util.concurrent.Callable<Integer> {
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);

    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws Exception {
        Config loaded = config.load();
        MailServer server = MailServer.start(loaded);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown(SHUTDOWN_GRACE);
            stopped.countDown();
        }, "shutdown"));

        System.out.println("Bastion is running as " + loaded.hostname() + ", data in " + loaded.dataDir());
        server.listeners().forEach((name, address) ->
                System.out.println("  " + name + " listening on " + address.getAddress().getHostAddress() + ":" + address.getPort()));
        System.out.println("  local domains: " + String.join(", ", server.directory().domains().stream().sorted().toList()));
        String example = loaded.primaryDomain().map(d -> "alice@" + d).orElse("alice@your.domain");
        String configArg = loaded.source().map(p -> " --config " + p).orElse("");
        System.out.println("Add a user with:  ./bastion user add " + example + configArg);
        System.out.println("Stop with Ctrl-C or SIGTERM.");
        System.out.flush();
        stopped.await();
        return 0;
    }
}
