package org.bastionmail.smtp;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.bastionmail.queue.Envelope;

/**
 * The MAIL FROM parameters Bastion understands.
 *
 * @param size the client's size estimate (RFC 1870 6)
 * @param body BODY (RFC 6152 2; BINARYMIME of RFC 3030 is not offered)
 * @param smtpUtf8 SMTPUTF8 (RFC 6531 3.4)
 * @param ret DSN RET (RFC 3461 4.3)
 * @param envId DSN ENVID, xtext-decoded (RFC 3461 4.4)
 * @param requireTls REQUIRETLS (RFC 8689 2): the message may only travel on over verified TLS
 */
record MailParameters(OptionalLong size, Envelope.BodyType body, boolean smtpUtf8,
        Optional<Envelope.Ret> ret, Optional<String> envId, boolean requireTls) {

    // RFC 3461 4.4: ENVID is at most 100 characters (before decoding).
    private static final int MAX_ENVID = 100;

    static MailParameters parse(Map<String, String> params) throws Rejection {
        OptionalLong size = OptionalLong.empty();
        Envelope.BodyType body = Envelope.BodyType.SEVEN_BIT;
        boolean smtpUtf8 = false;
        Optional<Envelope.Ret> ret = Optional.empty();
        Optional<String> envId = Optional.empty();
        boolean requireTls = false;
        for (Map.Entry<String, String> p : params.entrySet()) {
            String v = p.getValue();
            switch (p.getKey()) {
                case "SIZE" -> {
                    if (!v.matches("[0-9]{1,18}")) {
                        throw new Rejection(Reply.SYNTAX);
                    }
                    size = OptionalLong.of(Long.parseLong(v));
                }
                case "BODY" -> body = switch (v.toUpperCase(java.util.Locale.ROOT)) {
                    case "7BIT" -> Envelope.BodyType.SEVEN_BIT;
                    case "8BITMIME" -> Envelope.BodyType.EIGHT_BIT_MIME;
                    default -> throw new Rejection(Reply.UNKNOWN_PARAMETER);
                };
                case "SMTPUTF8" -> {
                    if (!v.isEmpty()) {
                        throw new Rejection(Reply.SYNTAX);
                    }
                    smtpUtf8 = true;
                }
                case "RET" -> ret = Optional.of(switch (v.toUpperCase(java.util.Locale.ROOT)) {
                    case "FULL" -> Envelope.Ret.FULL;
                    case "HDRS" -> Envelope.Ret.HDRS;
                    default -> throw new Rejection(Reply.SYNTAX);
                });
                case "ENVID" -> {
                    if (v.length() > MAX_ENVID) {
                        throw new Rejection(Reply.SYNTAX);
                    }
                    envId = Optional.of(Xtext.decode(v).orElseThrow(() -> new Rejection(Reply.SYNTAX)));
                }
                case "REQUIRETLS" -> {
                    if (!v.isEmpty()) {
                        throw new Rejection(Reply.SYNTAX); // RFC 8689 2: no esmtp-value
                    }
                    requireTls = true;
                }
                case "AUTH" -> {
                    // RFC 4954 5: the AUTH parameter may be ignored; we keep nothing from it.
                }
                default -> throw new Rejection(Reply.UNKNOWN_PARAMETER);
            }
        }
        return new MailParameters(size, body, smtpUtf8, ret, envId, requireTls);
    }
}
