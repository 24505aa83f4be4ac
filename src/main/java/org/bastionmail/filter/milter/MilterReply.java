package org.bastionmail.filter.milter;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bastionmail.filter.HeaderEdit;

/** A milter's reply to a command, parsed strictly: exact data lengths, NUL-terminated strings, negotiated actions only. */
sealed interface MilterReply {
    /** Go on with the next step (SMFIR_CONTINUE). */
    record Continue() implements MilterReply {}

    /** Accept the message, no more milter steps (SMFIR_ACCEPT). */
    record Accept() implements MilterReply {}

    /** Refuse with this reply (SMFIR_REJECT, SMFIR_TEMPFAIL, SMFIR_REPLYCODE). */
    record Refuse(int code, String enhanced, String text) implements MilterReply {}

    /** Accept and drop (SMFIR_DISCARD). */
    record Discard() implements MilterReply {}

    /** Still working: keep waiting (SMFIR_PROGRESS). */
    record Progress() implements MilterReply {}

    /** No more body chunks needed (SMFIR_SKIP). */
    record Skip() implements MilterReply {}

    /** A header change, at the end of the message only. */
    record Edit(HeaderEdit edit) implements MilterReply {}

    /** Put the message aside (SMFIR_QUARANTINE): Bastion delivers it to Junk. */
    record Quarantine(String reason) implements MilterReply {}

    // RFC 5321 4.2: reply-code SP/- text; RFC 3463 2: class.subject.detail, the class matching the reply's first digit
    Pattern REPLY_LINE = Pattern.compile("([45])(\\d\\d)([ -])(?:([45])\\.(\\d{1,3})\\.(\\d{1,3})(?: |$))?([\\x20-\\x7e]*)");

    /**
     * Parses one reply packet.
     *
     * @param actions the actions the milter negotiated ({@link MilterProtocol#ACT_ADDHDRS}...)
     */
    static MilterReply parse(MilterPacket packet, int actions) throws MilterException {
        byte[] data = packet.data();
        return switch (packet.command()) {
            case MilterProtocol.R_CONTINUE -> empty(data, new Continue());
            case MilterProtocol.R_ACCEPT -> empty(data, new Accept());
            // Postfix's default texts for a plain reject or tempfail
            case MilterProtocol.R_REJECT -> empty(data, new Refuse(550, "5.7.1", "Message rejected by content filter"));
            case MilterProtocol.R_TEMPFAIL ->
                empty(data, new Refuse(451, "4.7.1", "Message deferred by content filter, try again later"));
            case MilterProtocol.R_DISCARD -> empty(data, new Discard());
            case MilterProtocol.R_PROGRESS -> empty(data, new Progress());
            case MilterProtocol.R_SKIP -> empty(data, new Skip());
            case MilterProtocol.R_REPLYCODE -> replyCode(strings(data, 0, 1).getFirst());
            case MilterProtocol.R_ADDHEADER -> {
                need(actions, MilterProtocol.ACT_ADDHDRS, "ADDHEADER");
                List<String> nv = strings(data, 0, 2);
                yield new Edit(edit(() -> new HeaderEdit.Add(nv.get(0), value(nv.get(1)))));
            }
            case MilterProtocol.R_INSHEADER -> {
                need(actions, MilterProtocol.ACT_ADDHDRS, "INSHEADER");
                long index = index(data);
                List<String> nv = strings(data, 4, 2);
                yield new Edit(edit(() -> new HeaderEdit.Insert((int) Math.min(index, Integer.MAX_VALUE), nv.get(0),
                        value(nv.get(1)))));
            }
            case MilterProtocol.R_CHGHEADER -> {
                need(actions, MilterProtocol.ACT_CHGHDRS, "CHGHEADER");
                long index = index(data);
                List<String> nv = strings(data, 4, 2);
                // libmilter smfi_chgheader: an index of 0 means the first occurrence, like 1
                yield new Edit(edit(() -> new HeaderEdit.Change(nv.get(0), (int) Math.clamp(index, 1, Integer.MAX_VALUE),
                        value(nv.get(1)))));
            }
            case MilterProtocol.R_QUARANTINE -> {
                need(actions, MilterProtocol.ACT_QUARANTINE, "QUARANTINE");
                yield new Quarantine(printable(strings(data, 0, 1).getFirst()));
            }
            case MilterProtocol.R_ADDRCPT, MilterProtocol.R_DELRCPT, MilterProtocol.R_ADDRCPT_PAR,
                    MilterProtocol.R_CHGFROM, MilterProtocol.R_REPLBODY, MilterProtocol.R_SETSYMLIST ->
                throw new MilterException("the milter sent action '" + (char) packet.command() + "', which was not negotiated");
            case MilterProtocol.R_SHUTDOWN, MilterProtocol.R_CONN_FAIL ->
                throw new MilterException("the milter gave up ('" + (char) packet.command() + "')");
            default -> throw new MilterException("unknown milter reply 0x" + Integer.toHexString(packet.command() & 0xff));
        };
    }

    private static MilterReply empty(byte[] data, MilterReply reply) throws MilterException {
        if (data.length != 0) {
            throw new MilterException("milter reply " + reply.getClass().getSimpleName() + " with " + data.length + " data octets");
        }
        return reply;
    }

    private static void need(int actions, int action, String name) throws MilterException {
        if ((actions & action) == 0) {
            throw new MilterException("the milter sent " + name + " without negotiating it");
        }
    }

    private static long index(byte[] data) throws MilterException {
        if (data.length < 4) {
            throw new MilterException("header index missing");
        }
        return Integer.toUnsignedLong(ByteBuffer.wrap(data).getInt());
    }

    /** Exactly {@code count} NUL-terminated strings from {@code offset} to the end, octets as ISO-8859-1. */
    static List<String> strings(byte[] data, int offset, int count) throws MilterException {
        List<String> strings = new ArrayList<>(count);
        int start = offset;
        for (int i = start; i < data.length; i++) {
            if (data[i] == 0) {
                strings.add(new String(data, start, i - start, StandardCharsets.ISO_8859_1));
                start = i + 1;
            }
        }
        if (start != data.length || strings.size() != count) {
            throw new MilterException("expected " + count + " NUL-terminated string(s) in a milter reply");
        }
        return strings;
    }

    /** Folding from the milter comes as LF or CRLF; stored header fields fold with CRLF (RFC 5322 2.2.3). */
    private static String value(String raw) {
        String value = raw.replace("\r\n", "\n").replace("\n", "\r\n");
        // libmilter values do not carry the space after the colon (no SMFIP_HDR_LEADSPC); Bastion writes it.
        return value.startsWith(" ") ? value.substring(1) : value;
    }

    private static HeaderEdit edit(java.util.function.Supplier<HeaderEdit> maker) throws MilterException {
        try {
            return maker.get();
        } catch (IllegalArgumentException e) {
            throw new MilterException("bad header change from the milter: " + e.getMessage());
        }
    }

    /**
     * SMFIR_REPLYCODE: a full SMTP reply. Only 4xx and 5xx are allowed (a milter cannot accept this way), the
     * enhanced code (if any) must be of the same class, lines must be printable ASCII; a multi-line reply keeps
     * one code and joins its texts.
     */
    static Refuse replyCode(String reply) throws MilterException {
        String[] lines = reply.split("\r\n", -1);
        if (reply.isEmpty() || lines.length > 10 || reply.length() > 4096) {
            throw new MilterException("milter reply code is empty or too long");
        }
        int code = -1;
        String enhanced = "";
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            Matcher m = REPLY_LINE.matcher(lines[i]);
            if (!m.matches()) {
                throw new MilterException("malformed milter reply code: " + printable(lines[i]));
            }
            int lineCode = Integer.parseInt(m.group(1) + m.group(2));
            boolean last = i == lines.length - 1;
            if ((code >= 0 && lineCode != code) || m.group(3).equals("-") == last) {
                throw new MilterException("inconsistent multi-line milter reply code");
            }
            code = lineCode;
            if (m.group(4) != null) {
                if (!m.group(4).equals(m.group(1))) {
                    throw new MilterException("enhanced status class does not match the reply code");
                }
                enhanced = m.group(4) + "." + m.group(5) + "." + m.group(6);
            }
            if (!m.group(7).isBlank()) {
                text.append(text.isEmpty() ? "" : " ").append(m.group(7).strip());
            }
        }
        if (enhanced.isEmpty()) {
            // RFC 3463: no code given, use the generic "other" one of the class
            enhanced = (code / 100) + ".0.0";
        }
        return new Refuse(code, enhanced, text.isEmpty() ? "Refused by content filter" : text.toString());
    }

    static String printable(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < 200; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }
}
