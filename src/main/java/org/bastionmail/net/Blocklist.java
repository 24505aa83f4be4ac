package org.bastionmail.net;

import java.net.InetAddress;

/** Clients refused at accept time, before any session work (the ban list). */
@FunctionalInterface
public interface Blocklist {
    boolean blocks(InetAddress client);

    static Blocklist none() {
        return client -> false;
    }
}
