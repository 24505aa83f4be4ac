package org.bastionmail.net;

import java.net.InetAddress;

/** Where SMTP AUTH, IMAP LOGIN/AUTHENTICATE and POP3 USER/PASS/AUTH report how a login went. */
public interface AuthFailures {
    /** Wrong credentials from {@code client}; {@code protocol} is "smtp", "imap" or "pop3", for the log. */
    void failed(InetAddress client, String protocol);

    /** A successful login from {@code client}. */
    void succeeded(InetAddress client, String protocol);

    /** Reports nowhere (tests of a single session). */
    static AuthFailures none() {
        return new AuthFailures() {
            @Override
            public void failed(InetAddress client, String protocol) {}

            @Override
            public void succeeded(InetAddress client, String protocol) {}
        };
    }
}
