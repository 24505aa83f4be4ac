package org.bastionmail.filter.milter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.bastionmail.filter.FilterMessage;
import org.bastionmail.filter.FilterVerdict;
import org.bastionmail.filter.HeaderEdit;
import org.bastionmail.filter.HeaderField;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.queue.Envelope;
import org.bastionmail.smtp.ReceivedMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The steps of one message's milter conversation, from option negotiation to the end-of-message verdict. */
final class MilterConversation {
    private static final Logger LOG = LoggerFactory.getLogger(MilterConversation.class);
    /** A milter that only ever says "still working" is cut off by the deadline, or by this many progress replies. */
    private static final int MAX_PROGRESS = 10_000;
    private static final byte[] NONE = new byte[0];

    private final MilterConnection connection;
    private final FilterMessage message;
    private final ReceivedMessage envelope;
    private int actions;
    private int protocol;

    MilterConversation(MilterConnection connection, FilterMessage message) {
        this.connection = connection;
        this.message = message;
        this.envelope = message.envelope();
    }

    FilterVerdict run() throws IOException {
        negotiate();
        String queueId = envelope.queueId().orElse("");
        Optional<FilterVerdict> early = step(MilterProtocol.CONNECT, connectData(), MilterProtocol.P_NOCONNECT,
                MilterProtocol.P_NR_CONN, connectMacros());
        if (early.isEmpty()) {
            early = step(MilterProtocol.HELO, cString(envelope.helo()), MilterProtocol.P_NOHELO, MilterProtocol.P_NR_HELO,
                    heloMacros());
        }
        if (early.isEmpty()) {
            Map<String, String> macros = new LinkedHashMap<>();
            macros.put("i", queueId);
            // {auth_type} is left out: the mechanism is not passed on to the hooks.
            envelope.account().ifPresent(account -> macros.put("{auth_authen}", account));
            macros.put("{mail_addr}", envelope.sender().map(MailAddress::toString).orElse(""));
            early = step(MilterProtocol.MAIL, cString("<" + macros.get("{mail_addr}") + ">"),
                    MilterProtocol.P_NOMAIL, MilterProtocol.P_NR_MAIL, macros);
        }
        // At the end of DATA every recipient is already accepted: a refusal of any one refuses the message.
        for (Envelope.Recipient recipient : envelope.recipients()) {
            if (early.isPresent()) {
                break;
            }
            early = step(MilterProtocol.RCPT, cStrings(rcptArgs(recipient), StandardCharsets.UTF_8), MilterProtocol.P_NORCPT,
                    MilterProtocol.P_NR_RCPT, Map.of("{rcpt_addr}", recipient.address().toString()));
        }
        if (early.isEmpty()) {
            early = step(MilterProtocol.DATA, NONE, MilterProtocol.P_NODATA, MilterProtocol.P_NR_DATA, Map.of("i", queueId));
        }
        if (early.isEmpty() && (protocol & MilterProtocol.P_NOHDRS) == 0) {
            for (HeaderField field : message.fields()) {
                // The value as libmilter expects it without SMFIP_HDR_LEADSPC: no space after the colon, LF folding.
                String value = field.value().startsWith(" ") ? field.value().substring(1) : field.value();
                early = step(MilterProtocol.HEADER, cStrings(List.of(field.name(), value.replace("\r\n", "\n")),
                        StandardCharsets.ISO_8859_1), 0,
                        MilterProtocol.P_NR_HDR, Map.of());
                if (early.isPresent()) {
                    break;
                }
            }
        }
        if (early.isEmpty()) {
            early = step(MilterProtocol.EOH, NONE, MilterProtocol.P_NOEOH, MilterProtocol.P_NR_EOH, Map.of("i", queueId));
        }
        if (early.isEmpty() && (protocol & MilterProtocol.P_NOBODY) == 0) {
            early = body();
        }
        return early.isPresent() ? early.get() : endOfMessage(queueId);
    }

    /** SMFIC_OPTNEG both ways: what Bastion offers, what the milter wants of it. */
    private void negotiate() throws IOException {
        connection.send(MilterProtocol.OPTNEG, ByteBuffer.allocate(12).putInt(MilterProtocol.VERSION)
                .putInt(MilterProtocol.OFFERED_ACTIONS).putInt(MilterProtocol.OFFERED_PROTOCOL).array());
        MilterPacket reply = connection.receive();
        if (reply.command() != MilterProtocol.OPTNEG) {
            throw new MilterException("the milter answered option negotiation with '" + (char) reply.command() + "'");
        }
        byte[] data = reply.data();
        if (data.length != 12) {
            // Longer would be a macro list (SMFIR_SETSYMLIST), which is only sent when offered; it was not.
            throw new MilterException("option negotiation reply of " + data.length + " octets, not 12");
        }
        ByteBuffer b = ByteBuffer.wrap(data);
        int version = b.getInt();
        if (version < 2 || version > MilterProtocol.VERSION) {
            throw new MilterException("milter protocol version " + Integer.toUnsignedString(version) + " not supported");
        }
        int wantedActions = b.getInt();
        int wantedProtocol = b.getInt();
        // Like libmilter, what was not offered is not granted: a milter asking to change recipients gets only
        // what Bastion offers, and any attempt to use more is a protocol error.
        if ((wantedActions & ~MilterProtocol.OFFERED_ACTIONS) != 0) {
            LOG.debug("milter asked for actions 0x{} beyond those offered", Integer.toHexString(wantedActions));
        }
        actions = wantedActions & MilterProtocol.OFFERED_ACTIONS;
        protocol = wantedProtocol & MilterProtocol.OFFERED_PROTOCOL;
    }

    /**
     * One protocol step: its macros, its command, and (unless the milter asked for no reply) the reply.
     *
     * @return the final verdict, if the milter gave one at this step
     */
    private Optional<FilterVerdict> step(byte command, byte[] data, int skipFlag, int noReplyFlag,
            Map<String, String> macros) throws IOException {
        if (skipFlag != 0 && (protocol & skipFlag) != 0) {
            return Optional.empty();
        }
        sendMacros(command, macros);
        connection.send(command, data);
        if ((protocol & noReplyFlag) != 0) {
            return Optional.empty();
        }
        MilterReply reply = await();
        return switch (reply) {
            case MilterReply.Continue c -> Optional.empty();
            case MilterReply.Skip s -> throw new MilterException("SMFIR_SKIP outside the body");
            default -> Optional.of(finalVerdict(reply, List.of(), false));
        };
    }

    /** The body in chunks of at most 65535 octets, each answered unless the milter asked otherwise. */
    private Optional<FilterVerdict> body() throws IOException {
        byte[] chunk = new byte[MilterProtocol.CHUNK];
        try (InputStream in = message.body().open()) {
            int n;
            while ((n = in.readNBytes(chunk, 0, chunk.length)) > 0) {
                connection.send(MilterProtocol.BODY, java.util.Arrays.copyOf(chunk, n));
                if ((protocol & MilterProtocol.P_NR_BODY) != 0) {
                    continue;
                }
                MilterReply reply = await();
                switch (reply) {
                    case MilterReply.Continue c -> { }
                    case MilterReply.Skip s -> {
                        return Optional.empty();
                    }
                    default -> {
                        return Optional.of(finalVerdict(reply, List.of(), false));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** SMFIC_BODYEOB: the header changes and quarantine requests, then the verdict. */
    private FilterVerdict endOfMessage(String queueId) throws IOException {
        sendMacros(MilterProtocol.BODYEOB, Map.of("i", queueId));
        connection.send(MilterProtocol.BODYEOB, NONE);
        List<HeaderEdit> edits = new ArrayList<>();
        boolean quarantine = false;
        while (true) {
            MilterReply reply = await();
            switch (reply) {
                case MilterReply.Edit edit -> {
                    if (edits.size() >= 1000) {
                        throw new MilterException("more than 1000 header changes");
                    }
                    edits.add(edit.edit());
                }
                case MilterReply.Quarantine q -> {
                    LOG.info("milter quarantined message {} ({}): delivered to Junk", queueId, q.reason());
                    quarantine = true;
                }
                case MilterReply.Skip s -> throw new MilterException("SMFIR_SKIP at the end of the message");
                default -> {
                    return finalVerdict(reply, edits, quarantine);
                }
            }
        }
    }

    /** Reads replies until one that is not SMFIR_PROGRESS. */
    private MilterReply await() throws IOException {
        for (int progress = 0; progress <= MAX_PROGRESS; progress++) {
            MilterReply reply = MilterReply.parse(connection.receive(), actions);
            if (!(reply instanceof MilterReply.Progress)) {
                return reply;
            }
        }
        throw new MilterException("more than " + MAX_PROGRESS + " progress replies");
    }

    private static FilterVerdict finalVerdict(MilterReply reply, List<HeaderEdit> edits, boolean quarantine)
            throws MilterException {
        return switch (reply) {
            case MilterReply.Continue c -> new FilterVerdict.Accept(List.of(), edits, quarantine);
            case MilterReply.Accept a -> new FilterVerdict.Accept(List.of(), edits, quarantine);
            case MilterReply.Refuse r -> new FilterVerdict.Refuse(r.code(), r.enhanced(), r.text());
            // Postfix: discard means accept and drop; the pipeline logs it
            case MilterReply.Discard d -> new FilterVerdict.Discard("milter discarded the message");
            case MilterReply.Edit e -> throw new MilterException("header change before the end of the message");
            case MilterReply.Quarantine q -> throw new MilterException("quarantine before the end of the message");
            case MilterReply.Progress p -> throw new MilterException("unexpected progress reply");
            case MilterReply.Skip s -> throw new MilterException("unexpected skip reply");
        };
    }

    private void sendMacros(byte command, Map<String, String> macros) throws IOException {
        List<String> pairs = new ArrayList<>();
        macros.forEach((name, value) -> {
            pairs.add(name);
            pairs.add(value);
        });
        if (pairs.isEmpty()) {
            return;
        }
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.write(command);
        data.writeBytes(cStrings(pairs, StandardCharsets.UTF_8));
        connection.send(MilterProtocol.MACRO, data.toByteArray());
    }

    /**
     * SMFIC_CONNECT: host name, family ('4' or '6'), port, address. The filters are not told the client's
     * port or verified name, so they get what Postfix sends for an unresolved client: "unknown", port 0.
     */
    private byte[] connectData() {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.writeBytes(cString("unknown"));
        data.write(envelope.client() instanceof Inet6Address ? '6' : '4');
        data.write(0);
        data.write(0);
        data.writeBytes(cString(envelope.client().getHostAddress()));
        return data.toByteArray();
    }

    private Map<String, String> connectMacros() {
        Map<String, String> macros = new LinkedHashMap<>();
        macros.put("j", message.hostname());
        macros.put("{daemon_name}", "bastion");
        macros.put("v", "Bastion");
        macros.put("{client_addr}", envelope.client().getHostAddress());
        macros.put("_", "[" + envelope.client().getHostAddress() + "]");
        return macros;
    }

    private Map<String, String> heloMacros() {
        Map<String, String> macros = new LinkedHashMap<>();
        envelope.tls().ifPresent(tls -> {
            // "TLSv1.3 TLS_AES_256_GCM_SHA384", as the SMTP session describes it
            int space = tls.indexOf(' ');
            macros.put("{tls_version}", space < 0 ? tls : tls.substring(0, space));
            if (space > 0) {
                macros.put("{cipher}", tls.substring(space + 1));
            }
        });
        return macros;
    }

    /** RCPT's address and its ESMTP parameters (RFC 3461 4.1, 4.2). */
    private static List<String> rcptArgs(Envelope.Recipient recipient) {
        List<String> args = new ArrayList<>();
        args.add("<" + recipient.address() + ">");
        if (!recipient.notifyOn().isEmpty()) {
            args.add("NOTIFY=" + String.join(",", recipient.notifyOn().stream()
                    .map(n -> n.name().toUpperCase(Locale.ROOT)).sorted().toList()));
        }
        recipient.orcpt().ifPresent(orcpt -> args.add("ORCPT=" + xtext(orcpt)));
        return args;
    }

    // RFC 3461 4: xtext, "+" and "=" and anything outside "!".."~" as +HH
    private static String xtext(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < '!' || c > '~' || c == '+' || c == '=') {
                out.append('+').append(String.format("%02X", c));
            } else {
                out.append((char) c);
            }
        }
        return out.toString();
    }

    private static byte[] cString(String text) {
        return cStrings(List.of(text), StandardCharsets.UTF_8);
    }

    /**
     * NUL-terminated strings; a NUL inside one is dropped, it would end the string early. Envelope strings go
     * as UTF-8 (RFC 6531), header octets as they were received ({@code charset} ISO-8859-1).
     */
    private static byte[] cStrings(List<String> strings, java.nio.charset.Charset charset) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String s : strings) {
            out.writeBytes(s.replace("\0", "").getBytes(charset));
            out.write(0);
        }
        return out.toByteArray();
    }
}
