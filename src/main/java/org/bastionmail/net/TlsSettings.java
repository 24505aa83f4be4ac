package org.bastionmail.net;

import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The protocol versions and cipher suites every Bastion listener allows: TLS 1.2 and 1.3 only, and for
 * 1.2 only forward-secret AEAD suites (as in Mozilla's "intermediate" and BSI TR-02102-2 profiles).
 */
public final class TlsSettings {
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private static final List<String> TLS12_SUITES = List.of(
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
    private static final List<String> TLS13_SUITES = List.of(
            "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256");

    private TlsSettings() {}

    /** Restricts a server-side socket to Bastion's protocols and suites, server preference first. */
    public static void apply(SSLSocket socket) {
        SSLParameters params = socket.getSSLParameters();
        params.setProtocols(PROTOCOLS);
        List<String> supported = Arrays.asList(socket.getSupportedCipherSuites());
        params.setCipherSuites(java.util.stream.Stream.concat(TLS13_SUITES.stream(), TLS12_SUITES.stream())
                .filter(supported::contains)
                .toArray(String[]::new));
        params.setUseCipherSuitesOrder(true);
        socket.setSSLParameters(params);
        socket.setUseClientMode(false);
    }
}
