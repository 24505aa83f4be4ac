package org.bastionmail.dane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bastionmail.dane.TestCerts.tlsa;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.bastionmail.dane.TestCerts.Issued;
import org.bastionmail.dns.TlsaRecord;
import org.junit.jupiter.api.Test;

/**
 * DANE verification of a chain captured from a real TLS handshake on 127.0.0.1: the client accepts any
 * chain during the handshake (as an SMTP client must, to decide by TLSA records afterwards) and checks it.
 */
class DaneHandshakeTest {
    private static final String MX = "mx.example.test";

    /** Accepts every server chain and keeps it. Tests only, loopback only. */
    private static final class Capturing implements X509TrustManager {
        final AtomicReference<List<X509Certificate>> chain = new AtomicReference<>(List.of());

        @Override
        public void checkClientTrusted(X509Certificate[] presented, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] presented, String authType) {
            chain.set(List.of(presented));
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /** Runs one handshake against a server presenting {@code chain} (leaf first) and returns what the client saw. */
    private static List<X509Certificate> handshake(Issued leaf, X509Certificate... chain) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", leaf.keys().getPrivate(), "pw".toCharArray(), chain);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, "pw".toCharArray());
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(kmf.getKeyManagers(), null, null);
        Capturing capturing = new Capturing();
        SSLContext clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, new TrustManager[] {capturing}, null);

        try (SSLServerSocket listener = (SSLServerSocket) serverContext.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread server = Thread.ofVirtual().start(() -> {
                try (SSLSocket accepted = (SSLSocket) listener.accept()) {
                    accepted.startHandshake();
                    accepted.getOutputStream().write('!');
                    accepted.getOutputStream().flush();
                } catch (IOException e) {
                    // the client side's assertions report what went wrong
                }
            });
            try (SSLSocket client = (SSLSocket) clientContext.getSocketFactory().createSocket()) {
                client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()), 5_000);
                client.setSoTimeout(5_000);
                client.startHandshake();
                assertThat(client.getInputStream().read()).isEqualTo('!');
            }
            server.join();
        }
        return capturing.chain.get();
    }

    @Test
    void aSelfSignedServerIsAuthenticatedByItsDaneEeRecord() throws Exception {
        Issued self = TestCerts.selfSigned(MX, java.time.Instant.now().minusSeconds(3600), java.time.Duration.ofDays(1));
        List<X509Certificate> seen = handshake(self, self.cert());
        TlsaRecord right = tlsa(3, 1, 1, self.cert());
        assertThat(new DanePolicy.Required(MX, List.of(right)).verify(seen, MX)).isEqualTo(new DaneVerdict.Authenticated(right));

        Issued other = TestCerts.selfSigned(MX, java.time.Instant.now().minusSeconds(3600), java.time.Duration.ofDays(1));
        assertThat(new DanePolicy.Required(MX, List.of(tlsa(3, 1, 1, other.cert()))).verify(seen, MX))
                .isInstanceOf(DaneVerdict.Failed.class);
    }

    @Test
    void aServerSendingItsCaIsAuthenticatedByADaneTaRecord() throws Exception {
        Issued ca = TestCerts.ca("Handshake Test CA");
        Issued leaf = TestCerts.leaf(ca, MX);
        List<X509Certificate> seen = handshake(leaf, leaf.cert(), ca.cert());
        assertThat(seen).hasSize(2);
        TlsaRecord ta = tlsa(2, 0, 1, ca.cert());
        assertThat(new DanePolicy.Required(MX, List.of(ta)).verify(seen, MX)).isEqualTo(new DaneVerdict.Authenticated(ta));
        // the same chain does not vouch for another MX host
        assertThat(new DanePolicy.Required("mx2.example.test", List.of(ta)).verify(seen, "mx2.example.test"))
                .isInstanceOf(DaneVerdict.Failed.class);
        // nor is it authenticated by another CA's record
        Issued otherCa = TestCerts.ca("Other CA");
        assertThat(new DanePolicy.Required(MX, List.of(tlsa(2, 0, 1, otherCa.cert()))).verify(seen, MX))
                .isInstanceOf(DaneVerdict.Failed.class);
    }
}
