package org.bastionmail.smtp.client;

import java.io.IOException;
import java.net.IDN;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The client side of a TLS handshake on an open socket (RFC 3207 after STARTTLS, or RFC 8314 implicit
 * TLS). The handshake itself accepts any chain; the policy's {@link CertificateCheck} then decides, so
 * that a refused certificate is told apart from a failed handshake (RFC 8460 4.3 result types) and an
 * opportunistic session can still report whether its peer would have passed.
 */
final class TlsStart {
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private TlsStart() {}

    /** The upgraded socket and what was negotiated, or a failure at the handshake or certificate stage. */
    record Upgraded(SSLSocket socket, TlsInfo info) {}

    static Upgraded handshake(Socket plain, Endpoint endpoint, TlsPolicy policy, Duration timeout)
            throws SmtpClientException {
        SSLSocket tls;
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new javax.net.ssl.TrustManager[] {new AcceptAll()}, null);
            tls = (SSLSocket) context.getSocketFactory().createSocket(plain, endpoint.hostname(),
                    endpoint.address().getPort(), true);
            SSLParameters params = tls.getSSLParameters();
            params.setProtocols(PROTOCOLS);
            serverName(endpoint.hostname()).ifPresent(sni -> params.setServerNames(List.of(sni)));
            tls.setSSLParameters(params);
            tls.setUseClientMode(true);
            tls.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
            tls.startHandshake();
        } catch (IOException | GeneralSecurityException e) {
            closeQuietly(plain);
            throw new SmtpClientException(ConnectionFailure.temporary(ConnectionFailure.Stage.TLS_HANDSHAKE,
                    "TLS handshake with " + endpoint.hostname() + " failed: " + e.getMessage()), e);
        }
        SSLSession session = tls.getSession();
        List<X509Certificate> chain = peerChain(session);
        Optional<CertificateCheck> check = switch (policy) {
            case TlsPolicy.Opportunistic o -> o.reportCheck();
            case TlsPolicy.RequiredUnverified r -> Optional.empty();
            case TlsPolicy.RequiredVerified v -> Optional.of(v.check());
        };
        Optional<String> problem = Optional.empty();
        boolean verified = false;
        if (check.isPresent()) {
            try {
                check.get().verify(chain);
                verified = true;
            } catch (CertificateException | RuntimeException e) {
                problem = Optional.of(String.valueOf(e.getMessage()));
            }
        }
        if (policy instanceof TlsPolicy.RequiredVerified && !verified) {
            // nothing was sent over this session; close it without a word (no MAIL to an unverified peer)
            closeQuietly(tls);
            throw new SmtpClientException(ConnectionFailure.temporary(ConnectionFailure.Stage.CERTIFICATE,
                    "certificate of " + endpoint.hostname() + " refused: " + problem.orElse("")), null);
        }
        return new Upgraded(tls, new TlsInfo(session.getProtocol(), session.getCipherSuite(), verified, problem, chain));
    }

    /** RFC 6066 3: SNI carries a DNS name in A-labels, never an IP literal. */
    private static Optional<SNIHostName> serverName(String hostname) {
        if (hostname.isEmpty() || hostname.contains(":") || hostname.startsWith("[")
                || hostname.matches("[0-9.]+")) {
            return Optional.empty();
        }
        try {
            String ascii = IDN.toASCII(hostname.endsWith(".") ? hostname.substring(0, hostname.length() - 1) : hostname);
            return Optional.of(new SNIHostName(ascii));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static List<X509Certificate> peerChain(SSLSession session) {
        try {
            List<X509Certificate> chain = new ArrayList<>();
            for (java.security.cert.Certificate c : session.getPeerCertificates()) {
                if (c instanceof X509Certificate x) {
                    chain.add(x);
                }
            }
            return chain;
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            return List.of();
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already failing
        }
    }

    /**
     * Accepts every chain during the handshake. An X509ExtendedTrustManager, so that JSSE does not wrap it
     * with checks of its own; the real decision is the policy's, right after the handshake.
     */
    private static final class AcceptAll extends X509ExtendedTrustManager {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            requireChain(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            requireChain(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            requireChain(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("client side only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("client side only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("client side only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }

        private static void requireChain(X509Certificate[] chain) {
            if (chain == null || chain.length == 0) {
                throw new IllegalArgumentException("empty certificate chain: " + Arrays.toString(chain));
            }
        }
    }
}
