package org.bastionmail.imap;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.james.mime4j.dom.address.Address;
import org.apache.james.mime4j.dom.address.AddressList;
import org.apache.james.mime4j.dom.address.Group;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.dom.field.ContentDispositionField;
import org.apache.james.mime4j.field.address.LenientAddressParser;

/** ENVELOPE, BODY and BODYSTRUCTURE of a message (RFC 9051 7.5.2), written from its {@link MimeEntity}. */
final class MessageDescription {
    private MessageDescription() {}

    /** RFC 9051 7.5.2 ENVELOPE: the raw header strings; Sender and Reply-To default to From. */
    static void envelope(MimeEntity message, Response out) {
        out.raw("(");
        out.nstring(message.field("Date")).raw(" ");
        out.nstring(message.field("Subject")).raw(" ");
        String from = message.field("From");
        addresses(from, out);
        out.raw(" ");
        addresses(orElse(message.field("Sender"), from), out);
        out.raw(" ");
        addresses(orElse(message.field("Reply-To"), from), out);
        for (String name : new String[] {"To", "Cc", "Bcc"}) {
            out.raw(" ");
            addresses(message.field(name), out);
        }
        out.raw(" ").nstring(message.field("In-Reply-To"));
        out.raw(" ").nstring(message.field("Message-ID"));
        out.raw(")");
    }

    private static String orElse(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }

    private static void addresses(String value, Response out) {
        if (value == null || value.isBlank()) {
            out.raw("NIL");
            return;
        }
        AddressList list;
        try {
            list = LenientAddressParser.DEFAULT.parseAddressList(value);
        } catch (RuntimeException e) {
            list = null;
        }
        if (list == null || list.isEmpty()) {
            out.raw("NIL");
            return;
        }
        out.raw("(");
        for (Address address : list) {
            if (address instanceof Mailbox mailbox) {
                mailbox(mailbox, out);
            } else if (address instanceof Group group) {
                // RFC 9051 7.5.2: a group is a start marker (mailbox = name), its members, an end marker.
                out.raw("(NIL NIL ").nstring(encodeIfNeeded(group.getName())).raw(" NIL)");
                for (Mailbox member : group.getMailboxes()) {
                    mailbox(member, out);
                }
                out.raw("(NIL NIL NIL NIL)");
            }
        }
        out.raw(")");
    }

    private static void mailbox(Mailbox mailbox, Response out) {
        out.raw("(").nstring(encodeIfNeeded(mailbox.getName())).raw(" NIL ");
        out.nstring(mailbox.getLocalPart()).raw(" ").nstring(mailbox.getDomain()).raw(")");
    }

    /** The parser decodes encoded words; non-ASCII names go back out as an RFC 2047 word. */
    private static String encodeIfNeeded(String text) {
        if (text == null || text.chars().allMatch(c -> c < 0x80)) {
            return text;
        }
        return "=?UTF-8?B?" + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)) + "?=";
    }

    /** BODYSTRUCTURE ({@code extended}) or BODY. */
    static void structure(MimeEntity entity, boolean extended, Response out) {
        if (entity.isMultipart()) {
            out.raw("(");
            for (MimeEntity child : entity.children) {
                structure(child, extended, out);
            }
            out.raw(" ").string(entity.subtype.toUpperCase(Locale.ROOT));
            if (extended) {
                out.raw(" ");
                params(entity.params, out);
                extensions(entity, out);
            }
            out.raw(")");
            return;
        }
        out.raw("(");
        String type = entity.type.equals("multipart") ? "text" : entity.type;
        String subtype = entity.type.equals("multipart") ? "plain" : entity.subtype;
        out.string(type.toUpperCase(Locale.ROOT)).raw(" ").string(subtype.toUpperCase(Locale.ROOT)).raw(" ");
        Map<String, String> params = entity.params;
        if (type.equals("text") && !params.containsKey("charset")) {
            params = new java.util.TreeMap<>(params);
            params.put("charset", "us-ascii"); // RFC 2045 5.2 default
        }
        params(params, out);
        out.raw(" ").nstring(entity.field("Content-ID"));
        out.raw(" ").nstring(entity.field("Content-Description"));
        out.raw(" ").string(entity.transferEncoding().toUpperCase(Locale.ROOT));
        out.raw(" ").number(entity.bodySize());
        if (entity.isMessage() && entity.message.isPresent()) {
            out.raw(" ");
            envelope(entity.message.get(), out);
            out.raw(" ");
            structure(entity.message.get(), extended, out);
            out.raw(" ").number(entity.bodyLines());
        } else if (type.equals("text")) {
            out.raw(" ").number(entity.bodyLines());
        }
        if (extended) {
            out.raw(" ").nstring(entity.field("Content-MD5"));
            extensions(entity, out);
        }
        out.raw(")");
    }

    /** body-ext: disposition, language, location. */
    private static void extensions(MimeEntity entity, Response out) {
        out.raw(" ");
        Optional<ContentDispositionField> disposition = entity.disposition();
        if (disposition.isEmpty()) {
            out.raw("NIL");
        } else {
            out.raw("(").string(disposition.get().getDispositionType().toUpperCase(Locale.ROOT)).raw(" ");
            params(disposition.get().getParameters(), out);
            out.raw(")");
        }
        String language = entity.field("Content-Language");
        out.raw(" ").nstring(language == null ? null : language.trim());
        String location = entity.field("Content-Location");
        out.raw(" ").nstring(location == null ? null : location.trim());
    }

    private static void params(Map<String, String> params, Response out) {
        if (params == null || params.isEmpty()) {
            out.raw("NIL");
            return;
        }
        out.raw("(");
        boolean first = true;
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(params).entrySet()) {
            if (!first) {
                out.raw(" ");
            }
            first = false;
            out.string(e.getKey().toUpperCase(Locale.ROOT)).raw(" ").string(e.getValue() == null ? "" : e.getValue());
        }
        out.raw(")");
    }
}
