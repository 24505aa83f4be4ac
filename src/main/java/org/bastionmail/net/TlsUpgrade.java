package org.bastionmail.net;

import java.io.IOException;
import java.net.Socket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** Turns an accepted plain connection into a TLS one, for STARTTLS (RFC 3207) and STLS (RFC 2595). */
public final class TlsUpgrade {
    private final SSLContext context;

    public TlsUpgrade(SSLContext context) {
        this.context = context;
    }

    /**
     * Performs the server handshake over {@code plain}. The caller must have made sure that no plaintext
     * the client sent after its STARTTLS command is still buffered (CVE-2011-0411).
     */
    public SSLSocket upgrade(Socket plain) throws IOException {
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, null, plain.getPort(), true);
        TlsSettings.apply(tls);
        tls.startHandshake();
        return tls;
    }
}
