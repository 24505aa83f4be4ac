package org.bastionmail.pop3;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.bastionmail.sasl.Authenticator;
import org.bastionmail.sasl.SaslMechanism;
import org.bastionmail.sasl.SaslMechanisms;
import org.bastionmail.sasl.SaslStep;

/**
 * The AUTH command's exchange (RFC 5034 4): "+ base64" challenges, base64 responses, "*" to cancel, "="
 * for an empty initial response, and server data on success sent as a last challenge.
 */
final class SaslExchange {
    /** The mechanisms POP3 offers (only ever under TLS): LOGIN is left out, no POP3 client needs it. */
    static final List<String> MECHANISMS = List.of("SCRAM-SHA-256", "PLAIN");

    /** How an exchange ended; the session sends the reply. */
    sealed interface Outcome {
        record Authenticated(String account) implements Outcome {}

        /** Wrong credentials: counts as a failed login. */
        record Failed() implements Outcome {}

        /** Not a valid exchange, or the client cancelled; the reply is in {@code text}. */
        record Aborted(String text) implements Outcome {}
    }

    private SaslExchange() {}

    static boolean offers(String mechanism) {
        return MECHANISMS.stream().anyMatch(m -> m.equalsIgnoreCase(mechanism));
    }

    static Outcome run(String name, Optional<String> initialResponse, Authenticator authenticator,
            Pop3Connection connection, int maxLine) throws IOException {
        Optional<SaslMechanism> created = offers(name) ? SaslMechanisms.create(name, authenticator) : Optional.empty();
        if (created.isEmpty()) {
            return new Outcome.Aborted("Unsupported authentication mechanism");
        }
        SaslMechanism mechanism = created.get();
        Optional<byte[]> initial = Optional.empty();
        if (initialResponse.isPresent()) {
            // RFC 5034 4: "=" is an empty initial response.
            initial = initialResponse.get().equals("=") ? Optional.of(new byte[0]) : decode(initialResponse.get());
            if (initial.isEmpty()) {
                return new Outcome.Aborted("Invalid base64 in initial response");
            }
        }
        SaslStep step = mechanism.start(initial);
        while (true) {
            switch (step) {
                case SaslStep.Challenge c -> {
                    Response r = challenge(c.data(), connection, maxLine);
                    if (r instanceof Response.Stop stop) {
                        return stop.outcome();
                    }
                    step = mechanism.next(((Response.Data) r).bytes());
                }
                case SaslStep.Success s -> {
                    // RFC 5034 4: additional data with success goes in a last "+" challenge, answered empty.
                    if (s.additionalData().length > 0
                            && challenge(s.additionalData(), connection, maxLine) instanceof Response.Stop stop) {
                        return stop.outcome();
                    }
                    return new Outcome.Authenticated(s.account());
                }
                case SaslStep.Failure f -> {
                    return new Outcome.Failed();
                }
                case SaslStep.Malformed m -> {
                    return new Outcome.Aborted("Invalid authentication exchange");
                }
            }
        }
    }

    private sealed interface Response {
        record Data(byte[] bytes) implements Response {}

        record Stop(Outcome outcome) implements Response {}
    }

    private static Response challenge(byte[] data, Pop3Connection connection, int maxLine) throws IOException {
        connection.line("+ " + Base64.getEncoder().encodeToString(data));
        Pop3Input.Line line = connection.readLine(maxLine);
        if (line.problem() != Pop3Input.Problem.NONE) {
            return new Response.Stop(new Outcome.Aborted("Invalid authentication response"));
        }
        String text = new String(line.bytes(), StandardCharsets.US_ASCII);
        if (text.equals("*")) {
            return new Response.Stop(new Outcome.Aborted("Authentication cancelled")); // RFC 5034 4
        }
        return decode(text).<Response>map(Response.Data::new)
                .orElseGet(() -> new Response.Stop(new Outcome.Aborted("Invalid base64 in response")));
    }

    private static Optional<byte[]> decode(String text) {
        try {
            return Optional.of(Base64.getDecoder().decode(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
