package org.bastionmail.directory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bastionmail.mail.MailAddress;

/**
 * Follows an address through aliases to the accounts and outside addresses it reaches. Loops are cut
 * (and reported), as is any chain deeper than {@link #MAX_DEPTH}.
 */
final class Expansion {
    static final int MAX_DEPTH = 10;

    /** What the expansion needs to know about the directory. */
    interface Lookup {
        boolean isLocalDomain(String domain);

        boolean isUser(String account);

        /** The targets of an alias; empty if {@code alias} is not one. */
        List<MailAddress> aliasTargets(String alias);
    }

    private final Lookup lookup;
    private final Set<String> accounts = new LinkedHashSet<>();
    private final Map<String, MailAddress> forwards = new LinkedHashMap<>();
    private final Set<String> onPath = new HashSet<>();
    private final Set<String> finished = new HashSet<>();
    private final List<String> loop = new ArrayList<>();
    private boolean tooDeep;

    private Expansion(Lookup lookup) {
        this.lookup = lookup;
    }

    static Expansion of(MailAddress start, Lookup lookup) {
        Expansion expansion = new Expansion(lookup);
        expansion.visit(start, 0, new ArrayList<>());
        return expansion;
    }

    List<String> accounts() {
        return List.copyOf(accounts);
    }

    List<MailAddress> forwards() {
        return List.copyOf(forwards.values());
    }

    boolean isEmpty() {
        return accounts.isEmpty() && forwards.isEmpty();
    }

    /** The first loop met, as the chain of addresses that closes it; empty if none. */
    List<String> loop() {
        return List.copyOf(loop);
    }

    boolean tooDeep() {
        return tooDeep;
    }

    /**
     * A local part that could make some relay route the mail elsewhere (source routes, the "percent
     * hack", bang paths): it never names anything here.
     */
    static boolean isRelayTrick(String localPart) {
        return localPart.isEmpty() || localPart.startsWith("@") || localPart.indexOf('%') >= 0
                || localPart.indexOf('!') >= 0 || localPart.indexOf('@') >= 0;
    }

    private void visit(MailAddress address, int depth, List<String> path) {
        if (!lookup.isLocalDomain(address.domain())) {
            forwards.putIfAbsent(address.canonical(), address);
            return;
        }
        if (isRelayTrick(address.localPart())) {
            return;
        }
        String key = address.canonical();
        if (onPath.contains(key)) {
            if (loop.isEmpty()) {
                loop.addAll(path.subList(path.indexOf(key), path.size()));
                loop.add(key);
            }
            return;
        }
        if (finished.contains(key)) {
            return;
        }
        if (depth > MAX_DEPTH) {
            tooDeep = true;
            return;
        }
        onPath.add(key);
        path.add(key);
        if (lookup.isUser(key)) {
            accounts.add(key);
        } else {
            List<MailAddress> targets = lookup.aliasTargets(key);
            if (!targets.isEmpty()) {
                for (MailAddress target : targets) {
                    visit(target, depth + 1, path);
                }
            } else {
                // Plus-addressing: "user+tag" is "user" unless "user+tag" is itself a user or alias.
                int plus = address.localPart().indexOf('+');
                if (plus > 0) {
                    visit(new MailAddress(address.localPart().substring(0, plus), address.domain()), depth, path);
                }
            }
        }
        path.removeLast();
        onPath.remove(key);
        finished.add(key);
    }
}
