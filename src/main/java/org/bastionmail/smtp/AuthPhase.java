package org.bastionmail.smtp;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.bastionmail.sasl.SaslMechanism;
import org.bastionmail.sasl.SaslStep;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AUTH exchange (RFC 4954 4): base64 framing, "=" for an empty initial response, "*" to cancel,
 * and a growing delay after each failure so guessing passwords is slow.
 */
final class AuthPhase {
    private static final Logger LOG = LoggerFactory.getLogger(AuthPhase.class);
    // RFC 4954 4: a client response line may be up to 12288 octets.
    private static final int MAX_RESPONSE_LINE = 12_288 + 2;
    static final int MAX_FAILURES = 3;
    private static final Duration FIRST_DELAY = Duration.ofSeconds(1);
    private static final Duration MAX_DELAY = Duration.ofSeconds(8);

    private final SmtpContext context;
    private final InetAddress client;
    private int failures;

    AuthPhase(SmtpContext context, InetAddress client) {
        this.context = context;
        this.client = client;
    }

    /** Runs one AUTH exchange; returns the account on success. The replies are sent here. */
    Optional<String> authenticate(SmtpCommand.Auth command, Conversation conversation) throws IOException {
        Optional<SaslMechanism> created = context.auth().create(command.mechanism());
        if (created.isEmpty()) {
            conversation.send(Reply.UNKNOWN_MECHANISM);
            return Optional.empty();
        }
        SaslMechanism mechanism = created.get();
        try {
            Optional<byte[]> initial = Optional.empty();
            if (command.initialResponse().isPresent()) {
                String text = command.initialResponse().get();
                initial = text.equals("=") ? Optional.of(new byte[0]) : decode(text);
                if (initial.isEmpty()) {
                    conversation.send(Reply.AUTH_MALFORMED);
                    return Optional.empty();
                }
            }
            SaslStep step = mechanism.start(initial);
            while (true) {
                switch (step) {
                    case SaslStep.Challenge c -> {
                        Optional<byte[]> response = challenge(c.data(), conversation);
                        if (response.isEmpty()) {
                            return Optional.empty();
                        }
                        step = mechanism.next(response.get());
                    }
                    case SaslStep.Success s -> {
                        // RFC 4954 4: additional data with success goes in a 334, answered by an empty line.
                        if (s.additionalData().length > 0 && challenge(s.additionalData(), conversation).isEmpty()) {
                            return Optional.empty();
                        }
                        LOG.info("authenticated as {} with {}", s.account(), mechanism.name());
                        context.authFailures().succeeded(client, "smtp");
                        conversation.send(Reply.AUTH_OK);
                        return Optional.of(s.account());
                    }
                    case SaslStep.Failure f -> {
                        failed(f.reason(), mechanism, conversation);
                        return Optional.empty();
                    }
                    case SaslStep.Malformed m -> {
                        conversation.send(Reply.AUTH_MALFORMED);
                        return Optional.empty();
                    }
                }
            }
        } catch (RuntimeException e) {
            if (e instanceof Conversation.Closed) {
                throw e;
            }
            LOG.error("AUTH {} failed on our side", mechanism.name(), e);
            conversation.send(Reply.AUTH_TEMPORARY);
            return Optional.empty();
        }
    }

    /** Sends a 334 challenge and reads the answer; empty (reply sent) on cancel or a bad line. */
    private static Optional<byte[]> challenge(byte[] data, Conversation conversation) throws IOException {
        conversation.send(Reply.challenge(Base64.getEncoder().encodeToString(data)));
        SmtpInput.Line line = conversation.readLine(MAX_RESPONSE_LINE);
        if (line.problem() != SmtpInput.Problem.NONE) {
            conversation.send(Reply.AUTH_MALFORMED);
            return Optional.empty();
        }
        String text = new String(line.bytes(), StandardCharsets.US_ASCII);
        if (text.equals("*")) {
            conversation.send(Reply.AUTH_CANCELLED);
            return Optional.empty();
        }
        Optional<byte[]> decoded = decode(text);
        if (decoded.isEmpty()) {
            conversation.send(Reply.AUTH_MALFORMED);
        }
        return decoded;
    }

    private static Optional<byte[]> decode(String text) {
        try {
            return Optional.of(Base64.getDecoder().decode(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private void failed(String reason, SaslMechanism mechanism, Conversation conversation) throws IOException {
        failures++;
        context.authFailures().failed(client, "smtp");
        LOG.info("AUTH {} failed ({}), failure {}", mechanism.name(), reason, failures);
        Duration delay = FIRST_DELAY.multipliedBy(1L << Math.min(failures - 1, 10));
        try {
            context.pause().sleep(delay.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            conversation.sendAndClose(Reply.TOO_MANY_AUTH_FAILURES);
        }
        conversation.send(Reply.AUTH_FAILED);
        if (failures >= MAX_FAILURES) {
            conversation.sendAndClose(Reply.TOO_MANY_AUTH_FAILURES);
        }
    }
}
