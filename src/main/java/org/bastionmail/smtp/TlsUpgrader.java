package org.bastionmail.smtp;

import java.io.IOException;
import java.net.Socket;
import javax.net.ssl.SSLSocket;

/** Turns the plain connection into a server-side TLS one after STARTTLS (RFC 3207); the net package provides it. */
@FunctionalInterface
public interface TlsUpgrader {
    /** Layers TLS over {@code plain} in server mode; the handshake may happen here or on first use. */
    SSLSocket upgrade(Socket plain) throws IOException;
}
