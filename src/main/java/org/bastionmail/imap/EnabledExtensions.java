package org.bastionmail.imap;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The extensions one connection has turned on with ENABLE (RFC 5161), which change what it is sent. */
final class EnabledExtensions {
    private static final Set<String> ENABLEABLE = Set.of("CONDSTORE", "QRESYNC", "IMAP4REV2", "UTF8=ACCEPT");
    private final Set<String> enabled = new LinkedHashSet<>();

    /** ENABLE; returns the untagged ENABLED response naming what was newly enabled. */
    String enable(ImapArgs args) throws ImapArgs.Syntax {
        List<String> now = new ArrayList<>();
        while (args.trySp()) {
            String capability = args.atom().toUpperCase(Locale.ROOT);
            if (ENABLEABLE.contains(capability) && enabled.add(capability)) {
                now.add(capability);
            }
        }
        args.end();
        return "ENABLED" + (now.isEmpty() ? "" : " " + String.join(" ", now));
    }

    /** RFC 7162 3.1: a CONDSTORE parameter or modifier enables CONDSTORE too. */
    void condstoreUsed() {
        enabled.add("CONDSTORE");
    }

    boolean utf8Names() {
        return enabled.contains("UTF8=ACCEPT") || enabled.contains("IMAP4REV2");
    }

    boolean condstore() {
        return enabled.contains("CONDSTORE") || enabled.contains("QRESYNC");
    }

    boolean qresync() {
        return enabled.contains("QRESYNC");
    }

    boolean imap4rev2() {
        return enabled.contains("IMAP4REV2");
    }
}
