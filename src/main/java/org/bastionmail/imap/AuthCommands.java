package org.bastionmail.imap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bastionmail.sasl.SaslMechanism;
import org.bastionmail.sasl.SaslMechanisms;
import org.bastionmail.sasl.SaslStep;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LOGIN and AUTHENTICATE (RFC 9051 6.2.2, 6.2.3; RFC 4959 SASL-IR): only over TLS, a growing delay after
 * each failure, a limit on failures per connection and on connections per user.
 */
final class AuthCommands {
    private static final Logger LOG = LoggerFactory.getLogger(AuthCommands.class);
    /** Auth mechanisms offered over TLS; LOGIN is SMTP's and not an IMAP habit. */
    static final List<String> MECHANISMS = List.of("SCRAM-SHA-256", "PLAIN");

    private final ImapSession session;
    private final ImapContext context;
    private int failedLogins;

    AuthCommands(ImapSession session, ImapContext context) {
        this.session = session;
        this.context = context;
    }

    String login(ImapArgs args) throws IOException, ImapArgs.Syntax, Reply {
        args.sp();
        String user = args.astring();
        args.sp();
        String password = args.astring();
        args.end();
        if (!session.tls()) {
            throw Reply.no("[PRIVACYREQUIRED] LOGIN only over TLS"); // RFC 9051 6.2.3
        }
        Optional<String> verified = context.directory().verifyPassword(user, password.getBytes(StandardCharsets.UTF_8));
        return loggedIn(verified);
    }

    private String loggedIn(Optional<String> verified) throws IOException, Reply {
        if (verified.isEmpty()) {
            failedLogins++;
            context.authFailures().failed(session.peer(), "imap");
            // A guesser pays for every attempt: the wait doubles with each failure on this connection.
            Duration delay = context.limits().loginDelay().multipliedBy(1L << Math.min(failedLogins - 1, 3));
            try {
                context.pause().sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ImapSession.Closed();
            }
            if (failedLogins >= context.limits().failedLogins()) {
                session.send("* BYE Too many failed logins");
                session.flush();
                throw new ImapSession.Closed();
            }
            throw Reply.no("[AUTHENTICATIONFAILED] Authentication failed");
        }
        Optional<UserConnections.Slot> taken = context.connections().take(verified.get(),
                context.limits().connectionsPerUser());
        if (taken.isEmpty()) {
            LOG.info("imap: {} holds too many connections", verified.get());
            throw Reply.no("[LIMIT] Too many connections for this user"); // RFC 5530 3
        }
        context.authFailures().succeeded(session.peer(), "imap");
        session.authenticated(verified.get(), taken.get());
        context.store().ensureAccount(verified.get());
        LOG.info("imap: {} logged in", verified.get());
        return "[CAPABILITY " + session.capabilities() + "] Logged in";
    }

    String authenticate(ImapArgs args) throws IOException, ImapArgs.Syntax, Reply {
        args.sp();
        String mechanismName = args.atom();
        Optional<byte[]> initial = Optional.empty();
        if (args.trySp()) {
            String ir = args.atom(); // RFC 4959 SASL-IR; "=" is an empty response
            initial = Optional.of(ir.equals("=") ? new byte[0] : base64(ir));
        }
        args.end();
        if (!session.tls()) {
            throw Reply.no("[PRIVACYREQUIRED] Authentication only over TLS");
        }
        if (!MECHANISMS.contains(mechanismName.toUpperCase(Locale.ROOT))) {
            throw Reply.no("Unsupported mechanism");
        }
        SaslMechanism mechanism = SaslMechanisms.create(mechanismName, context.directory()).orElseThrow();
        SaslStep step = mechanism.start(initial);
        while (true) {
            switch (step) {
                case SaslStep.Challenge c -> {
                    session.send("+ " + Base64.getEncoder().encodeToString(c.data()));
                    byte[] line = readContinuationLine();
                    String text = new String(line, StandardCharsets.US_ASCII).trim();
                    if (text.equals("*")) {
                        throw Reply.bad("Authentication cancelled"); // RFC 9051 6.2.2
                    }
                    step = mechanism.next(base64(text));
                }
                case SaslStep.Success s -> {
                    if (s.additionalData().length > 0) {
                        // RFC 9051 6.2.2: final server data goes in a continuation, answered by an empty line.
                        session.send("+ " + Base64.getEncoder().encodeToString(s.additionalData()));
                        readContinuationLine();
                    }
                    return loggedIn(Optional.of(s.account()));
                }
                case SaslStep.Failure f -> {
                    LOG.info("imap: authentication failed: {}", f.reason());
                    return loggedIn(Optional.empty());
                }
                case SaslStep.Malformed m -> throw Reply.bad("Malformed authentication data");
            }
        }
    }

    private byte[] readContinuationLine() throws IOException, Reply {
        try {
            byte[] line = session.reader().read();
            if (line.length > 16384) {
                throw Reply.bad("Response too long");
            }
            return line;
        } catch (CommandReader.TooBig e) {
            throw Reply.bad("Response too long");
        }
    }

    private static byte[] base64(String text) throws Reply {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw Reply.bad("Invalid base64");
        }
    }
}
