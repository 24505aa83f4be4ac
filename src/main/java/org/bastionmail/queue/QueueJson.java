package org.bastionmail.queue;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bastionmail.mail.MailAddress;

/**
 * The queue's JSON files, mapped through plain records so that the format on disk is written down
 * here and does not change when a public record gains a component.
 */
final class QueueJson {
    static final int FORMAT = 1;
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setDefaultPropertyInclusion(JsonInclude.Include.NON_NULL)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private QueueJson() {}

    record AddressJson(String local, String domain) {}

    record RecipientJson(AddressJson address, List<String> notifyOn, String orcpt) {}

    record EnvelopeJson(int format, AddressJson sender, List<RecipientJson> recipients, String body,
            boolean smtpUtf8, String ret, String envId, boolean requireTls, String clientAddress,
            String clientHelo, String authenticatedAccount, String receivedAt, String prependedHeaders, Boolean junk,
            Long contentLength, Long contentCrc32c) {}

    /**
     * What the content file held when its envelope was written: recovery compares, because the content and
     * the envelope are fsync'd at the same time and a crash before the 250 may keep the envelope and only
     * part of the content. Absent in envelopes written before this check existed.
     */
    record ContentCheck(long length, long crc32c) {}

    record StateJson(RecipientJson recipient, String status, String reason, int attempts, String nextAttempt,
            AddressJson forwardedFrom, Boolean delayReported) {}

    record StatesJson(int format, List<StateJson> recipients) {}

    static byte[] write(Envelope e, ContentCheck check) throws IOException {
        List<RecipientJson> recipients = e.recipients().stream().map(QueueJson::recipient).toList();
        return MAPPER.writeValueAsBytes(new EnvelopeJson(FORMAT, e.sender().map(QueueJson::address).orElse(null),
                recipients, e.body().name(), e.smtpUtf8(), e.ret().map(Enum::name).orElse(null),
                e.envId().orElse(null), e.requireTls(), e.clientAddress(), e.clientHelo(),
                e.authenticatedAccount().orElse(null), e.receivedAt().toString(),
                e.prependedHeaders().isEmpty() ? null : e.prependedHeaders(), e.junk() ? Boolean.TRUE : null,
                check.length(), check.crc32c()));
    }

    /**
     * Whether {@code json} is not even well-formed JSON (empty, cut short, zeros where a crash lost a
     * block): an envelope file in that state was never completely written, so never acknowledged. An
     * envelope that is well-formed but not understood (a newer format) is not torn.
     */
    static boolean torn(byte[] json) {
        try {
            var tree = MAPPER.readTree(json);
            return tree == null || !tree.isObject();
        } catch (IOException e) {
            return true;
        }
    }

    /** The content check of a well-formed envelope; empty if it has none (an older file). */
    static Optional<ContentCheck> readContentCheck(byte[] json) throws IOException {
        EnvelopeJson e = MAPPER.readValue(json, EnvelopeJson.class);
        checkFormat(e.format());
        if (e.contentLength() == null || e.contentCrc32c() == null) {
            return Optional.empty();
        }
        return Optional.of(new ContentCheck(e.contentLength(), e.contentCrc32c()));
    }

    static Envelope readEnvelope(byte[] json) throws IOException {
        EnvelopeJson e = MAPPER.readValue(json, EnvelopeJson.class);
        checkFormat(e.format());
        try {
            return new Envelope(Optional.ofNullable(e.sender()).map(QueueJson::address),
                    required(e.recipients(), "recipients").stream().map(QueueJson::recipient).toList(),
                    Envelope.BodyType.valueOf(required(e.body(), "body")), e.smtpUtf8(),
                    Optional.ofNullable(e.ret()).map(Envelope.Ret::valueOf), Optional.ofNullable(e.envId()),
                    e.requireTls(), required(e.clientAddress(), "clientAddress"),
                    required(e.clientHelo(), "clientHelo"), Optional.ofNullable(e.authenticatedAccount()),
                    Instant.parse(required(e.receivedAt(), "receivedAt")),
                    Optional.ofNullable(e.prependedHeaders()).orElse(""), Boolean.TRUE.equals(e.junk()));
        } catch (RuntimeException bad) {
            throw new IOException("unreadable envelope: " + bad.getMessage(), bad);
        }
    }

    static byte[] write(List<RecipientState> states) throws IOException {
        List<StateJson> json = new ArrayList<>();
        for (RecipientState s : states) {
            json.add(new StateJson(recipient(s.recipient()), s.status().name(), s.reason().orElse(null),
                    s.attempts(), s.nextAttempt().map(Instant::toString).orElse(null),
                    s.forwardedFrom().map(QueueJson::address).orElse(null), s.delayReported() ? Boolean.TRUE : null));
        }
        return MAPPER.writeValueAsBytes(new StatesJson(FORMAT, json));
    }

    static List<RecipientState> readStates(byte[] json) throws IOException {
        StatesJson states = MAPPER.readValue(json, StatesJson.class);
        checkFormat(states.format());
        try {
            List<RecipientState> result = new ArrayList<>();
            for (StateJson s : required(states.recipients(), "recipients")) {
                result.add(new RecipientState(recipient(required(s.recipient(), "recipient")),
                        RecipientState.Status.valueOf(required(s.status(), "status")),
                        Optional.ofNullable(s.reason()), s.attempts(),
                        Optional.ofNullable(s.nextAttempt()).map(Instant::parse),
                        Optional.ofNullable(s.forwardedFrom()).map(QueueJson::address),
                        Boolean.TRUE.equals(s.delayReported())));
            }
            return result;
        } catch (RuntimeException bad) {
            throw new IOException("unreadable recipient state: " + bad.getMessage(), bad);
        }
    }

    private static void checkFormat(int format) throws IOException {
        if (format != FORMAT) {
            throw new IOException("unknown queue file format " + format);
        }
    }

    private static <T> T required(T value, String name) {
        if (value == null) {
            throw new IllegalArgumentException("missing " + name);
        }
        return value;
    }

    private static AddressJson address(MailAddress a) {
        return new AddressJson(a.localPart(), a.domain());
    }

    private static MailAddress address(AddressJson a) {
        return new MailAddress(required(a.local(), "local"), required(a.domain(), "domain"));
    }

    private static RecipientJson recipient(Envelope.Recipient r) {
        return new RecipientJson(address(r.address()), r.notifyOn().stream().map(Enum::name).sorted().toList(),
                r.orcpt().orElse(null));
    }

    private static Envelope.Recipient recipient(RecipientJson r) {
        Set<Envelope.Notify> notify = EnumSet.noneOf(Envelope.Notify.class);
        for (String n : Optional.ofNullable(r.notifyOn()).orElse(List.of())) {
            notify.add(Envelope.Notify.valueOf(n));
        }
        return new Envelope.Recipient(address(required(r.address(), "address")), notify,
                Optional.ofNullable(r.orcpt()));
    }
}
