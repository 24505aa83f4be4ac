package org.bastionmail.smtp;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bastionmail.queue.Envelope;

/** The RCPT TO parameters Bastion understands: DSN NOTIFY and ORCPT (RFC 3461 4.1, 4.2). */
record RcptParameters(Set<Envelope.Notify> notifyOn, Optional<String> orcpt) {

    // RFC 3461 4.2: ORCPT's address is at most 500 characters.
    private static final int MAX_ORCPT = 500;

    static RcptParameters parse(Map<String, String> params) throws Rejection {
        Set<Envelope.Notify> notify = EnumSet.noneOf(Envelope.Notify.class);
        Optional<String> orcpt = Optional.empty();
        for (Map.Entry<String, String> p : params.entrySet()) {
            String v = p.getValue();
            switch (p.getKey()) {
                case "NOTIFY" -> notify = notify(v);
                case "ORCPT" -> orcpt = Optional.of(orcpt(v));
                default -> throw new Rejection(Reply.UNKNOWN_PARAMETER);
            }
        }
        return new RcptParameters(notify, orcpt);
    }

    /** NOTIFY = "NEVER" / 1#("SUCCESS" / "FAILURE" / "DELAY"); NEVER stands alone (RFC 3461 4.1). */
    private static Set<Envelope.Notify> notify(String v) throws Rejection {
        Set<Envelope.Notify> set = EnumSet.noneOf(Envelope.Notify.class);
        for (String item : v.split(",", -1)) {
            Envelope.Notify n = switch (item.toUpperCase(Locale.ROOT)) {
                case "NEVER" -> Envelope.Notify.NEVER;
                case "SUCCESS" -> Envelope.Notify.SUCCESS;
                case "FAILURE" -> Envelope.Notify.FAILURE;
                case "DELAY" -> Envelope.Notify.DELAY;
                default -> throw new Rejection(Reply.SYNTAX);
            };
            if (!set.add(n)) {
                throw new Rejection(Reply.SYNTAX);
            }
        }
        if (set.contains(Envelope.Notify.NEVER) && set.size() > 1) {
            throw new Rejection(Reply.SYNTAX);
        }
        return set;
    }

    /** ORCPT = addr-type ";" xtext (RFC 3461 4.2); kept as {@code addr-type;decoded}. */
    private static String orcpt(String v) throws Rejection {
        int semi = v.indexOf(';');
        if (semi <= 0 || v.length() > MAX_ORCPT || !v.substring(0, semi).matches("[A-Za-z0-9-]{1,32}")) {
            throw new Rejection(Reply.SYNTAX);
        }
        String address = Xtext.decode(v.substring(semi + 1)).orElseThrow(() -> new Rejection(Reply.SYNTAX));
        if (address.isEmpty()) {
            throw new Rejection(Reply.SYNTAX);
        }
        return v.substring(0, semi) + ";" + address;
    }
}
