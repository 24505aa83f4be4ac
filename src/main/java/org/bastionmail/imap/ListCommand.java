package org.bastionmail.imap;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.bastionmail.store.Mailbox;
import org.bastionmail.store.MailboxStore;

/**
 * LIST and LSUB (RFC 9051 6.3.9, RFC 3501 6.3.9) with the basics of LIST-EXTENDED (RFC 5258: SUBSCRIBED,
 * SPECIAL-USE and RECURSIVEMATCH selection; CHILDREN, SUBSCRIBED, SPECIAL-USE and STATUS return options,
 * RFC 5819 LIST-STATUS). Only the logged-in account's mailboxes are ever looked at.
 */
final class ListCommand {
    private static final int MAX_PATTERNS = 20;
    private final ImapSession session;
    private final MailboxStore store;
    private final String account;

    ListCommand(ImapSession session, MailboxStore store, String account) {
        this.session = session;
        this.store = store;
        this.account = account;
    }

    void run(ImapArgs args, boolean lsub) throws IOException, ImapArgs.Syntax, Reply {
        args.sp();
        List<String> selection = List.of();
        if (!lsub && args.peek() == '(') {
            selection = upper(args.atomList());
            args.sp();
        }
        String reference = args.astring();
        args.sp();
        List<String> patterns = new ArrayList<>();
        if (!lsub && args.tryChar('(')) {
            patterns.add(pattern(args));
            while (args.trySp()) {
                patterns.add(pattern(args));
                if (patterns.size() > MAX_PATTERNS) {
                    throw new ImapArgs.Syntax("Too many patterns");
                }
            }
            args.expect(')');
        } else {
            patterns.add(pattern(args));
        }
        List<String> returns = new ArrayList<>();
        List<String> statusItems = List.of();
        if (!lsub && args.trySp()) {
            String word = args.atom();
            if (!word.equalsIgnoreCase("RETURN")) {
                throw new ImapArgs.Syntax("Expected RETURN");
            }
            args.sp();
            args.expect('(');
            while (!args.tryChar(')')) {
                args.trySp();
                String option = args.atom().toUpperCase(Locale.ROOT);
                if (option.equals("STATUS")) {
                    args.sp();
                    statusItems = args.atomList();
                }
                returns.add(option);
            }
        }
        args.end();
        boolean subscribedOnly = lsub || selection.contains("SUBSCRIBED");
        boolean specialUseOnly = selection.contains("SPECIAL-USE");
        boolean showSubscribed = lsub || subscribedOnly || returns.contains("SUBSCRIBED");
        boolean utf8 = session.extensions().utf8Names();

        if (patterns.size() == 1 && patterns.getFirst().isEmpty() && !lsub) {
            // RFC 9051 6.3.9: an empty pattern asks for the hierarchy delimiter.
            session.untagged("LIST (\\Noselect) \"/\" \"\"");
            return;
        }
        List<Mailbox> mailboxes = store.mailboxes(account);
        Map<String, Mailbox> byName = new TreeMap<>();
        mailboxes.forEach(m -> byName.put(m.name(), m));
        // Names implied by deeper ones ("a" for "a/b") are listed as \NonExistent (RFC 5258 3).
        Map<String, Boolean> names = new TreeMap<>();
        for (Mailbox m : mailboxes) {
            names.put(m.name(), true);
            String name = m.name();
            int slash;
            while ((slash = name.lastIndexOf('/')) > 0) {
                name = name.substring(0, slash);
                names.putIfAbsent(name, false);
            }
        }
        for (Map.Entry<String, Boolean> entry : names.entrySet()) {
            String name = entry.getKey();
            boolean exists = entry.getValue();
            boolean matched = false;
            for (String pattern : patterns) {
                String full = reference.isEmpty() || pattern.startsWith("/") ? pattern
                        : reference + (reference.endsWith("/") ? "" : "/") + pattern;
                if (matches(full, name)) {
                    matched = true;
                }
            }
            if (!matched) {
                continue;
            }
            Mailbox box = byName.get(name);
            if (subscribedOnly && (box == null || !box.subscribed())) {
                continue;
            }
            if (specialUseOnly && (box == null || box.specialUse().isEmpty())) {
                continue;
            }
            if (!exists && (lsub || subscribedOnly)) {
                continue;
            }
            List<String> attributes = new ArrayList<>();
            if (!exists) {
                attributes.add(lsub ? "\\Noselect" : "\\NonExistent");
            }
            if (!lsub) {
                boolean children = names.keySet().stream().anyMatch(n -> n.startsWith(name + "/"));
                attributes.add(children ? "\\HasChildren" : "\\HasNoChildren"); // RFC 3348
            }
            if (showSubscribed && box != null && box.subscribed() && !lsub) {
                attributes.add("\\Subscribed");
            }
            if (box != null && box.specialUse().isPresent() && !lsub) {
                attributes.add(box.specialUse().get().attribute()); // RFC 6154
            }
            String wireName = MailboxNames.toWire(name, utf8);
            session.untagged((lsub ? "LSUB" : "LIST") + " (" + String.join(" ", attributes) + ") \"/\" "
                    + new Response().string(wireName).toText());
            if (!statusItems.isEmpty() && box != null) {
                session.untagged(session.statusLine(box, statusItems)); // RFC 5819
            }
        }
    }

    private static String pattern(ImapArgs args) throws ImapArgs.Syntax {
        // list-mailbox: like astring, plus the wildcards % and *.
        if (args.atString()) {
            return args.astring();
        }
        String text = args.chars(c -> ImapArgs.isAstringChar(c) || c == '%' || c == '*');
        if (text.isEmpty()) {
            throw new ImapArgs.Syntax("Expected a mailbox pattern");
        }
        return text;
    }

    private static List<String> upper(List<String> atoms) {
        return atoms.stream().map(a -> a.toUpperCase(Locale.ROOT)).toList();
    }

    /** RFC 9051 6.3.9: "*" matches anything, "%" anything but the delimiter; INBOX is case-insensitive. */
    static boolean matches(String pattern, String name) {
        if (pattern.length() >= 5 && pattern.substring(0, 5).equalsIgnoreCase(Mailbox.INBOX)
                && (pattern.length() == 5 || pattern.charAt(5) == '/')) {
            pattern = Mailbox.INBOX + pattern.substring(5);
        }
        return match(pattern, 0, name, 0, new int[] {0});
    }

    private static boolean match(String p, int pi, String n, int ni, int[] steps) {
        if (++steps[0] > 100_000) {
            return false; // many wildcards against a long name: give up rather than spin
        }
        if (pi == p.length()) {
            return ni == n.length();
        }
        char c = p.charAt(pi);
        if (c == '*' || c == '%') {
            for (int k = ni; k <= n.length(); k++) {
                if (match(p, pi + 1, n, k, steps)) {
                    return true;
                }
                if (k < n.length() && c == '%' && n.charAt(k) == '/') {
                    return false;
                }
            }
            return false;
        }
        return ni < n.length() && n.charAt(ni) == c && match(p, pi + 1, n, ni + 1, steps);
    }
}
