package org.bastionmail.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.bastionmail.config.Config;
import org.bastionmail.tracelog.TraceReader;
import org.bastionmail.tracelog.TraceStory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bastion trace ID}: what happened to one message, from the transaction log (read-only, safe while serving). */
@Command(name = "trace", mixinStandardHelpOptions = true,
        description = "Follow one message from reception to delivery, by Message-ID or queue id.")
final class TraceCommand implements Callable<Integer> {
    @Mixin
    ConfigOption option;

    @Parameters(paramLabel = "ID", description = "a Message-ID (with or without <>) or a queue id")
    String id;

    @Option(names = "--json", description = "print the log lines themselves (JSON Lines)")
    boolean json;

    @Override
    public Integer call() throws IOException {
        Config config = option.load();
        Path file = config.logging().transactionsFile(config.dataDir());
        List<ObjectNode> story = TraceReader.story(file, id);
        PrintWriter out = new PrintWriter(System.out, false, java.nio.charset.StandardCharsets.UTF_8);
        if (story.isEmpty()) {
            System.err.println("bastion: nothing about " + TraceStory.printable(id) + " in " + file
                    + " (or its rotated files)");
            return 1;
        }
        if (json) {
            story.forEach(line -> out.println(TraceStory.json(line)));
        } else {
            TraceStory.print(story, out);
        }
        out.flush();
        return 0;
    }
}
