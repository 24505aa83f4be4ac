package org.bastionmail.imap;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** IDLE (RFC 2177, RFC 9051 6.3.13): report changes as they happen until the client sends DONE. */
final class IdleCommand {
    private final ImapSession session;
    private final ImapContext context;

    IdleCommand(ImapSession session, ImapContext context) {
        this.session = session;
        this.context = context;
    }

    String run(ImapArgs args) throws IOException, ImapArgs.Syntax, Reply {
        args.end();
        session.send("+ idling");
        session.announceChanges(true);
        session.flush();
        // Poll for changes while waiting for DONE: the store's events only set a flag, and the session
        // thread is the only one that writes to the client.
        ImapInput in = session.input();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + context.limits().idleTimeout().toNanos();
        while (true) {
            in.timeout(Duration.ofMillis(500));
            try {
                int b = in.read();
                if (b == '\n') {
                    String text = line.toString(StandardCharsets.US_ASCII).trim();
                    if (text.equalsIgnoreCase("DONE")) {
                        return "IDLE terminated";
                    }
                    throw Reply.bad("Expected DONE");
                }
                if (line.size() > 100) {
                    throw Reply.bad("Expected DONE");
                }
                line.write(b);
            } catch (SocketTimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                if (session.selected().isPresent() && session.selected().get().hasPendingChanges()) {
                    session.announceChanges(true);
                    session.flush();
                }
            }
        }
    }
}
