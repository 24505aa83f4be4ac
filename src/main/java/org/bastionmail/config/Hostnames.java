package org.bastionmail.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.bastionmail.mail.DomainNames;

/** The machine's own name, the default for {@code hostname}. */
final class Hostnames {
    private Hostnames() {}

    static String local() {
        try {
            String name = InetAddress.getLocalHost().getCanonicalHostName();
            return DomainNames.isValid(name) ? DomainNames.normalise(name) : "localhost";
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
