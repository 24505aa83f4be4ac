package org.bastionmail.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bastionmail.net.ServerCertificate;
import org.bastionmail.smtp.client.CertificateCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code [delivery] trust_anchors}: a PEM file of CA certificates, read once at start, with limits. */
class OutboundTrustAnchorsTest {
    @TempDir
    Path dir;

    @Test
    void readsEveryCertificateOfAPemFile() throws Exception {
        Path one = ServerCertificate.selfSigned(dir.resolve("one"), "mx.one.test")[0];
        Path two = ServerCertificate.selfSigned(dir.resolve("two"), "mx.two.test")[0];
        Path bundle = dir.resolve("anchors.pem");
        Files.writeString(bundle, Files.readString(one) + Files.readString(two));

        List<X509Certificate> anchors = Outbound.trustAnchors(bundle);

        assertThat(anchors).hasSize(2);
        // the anchors verify what they sign, for the MX name only
        X509Certificate first = anchors.getFirst();
        CertificateCheck.trusting(anchors, "mx.one.test").verify(List.of(first));
        assertThatThrownBy(() -> CertificateCheck.trusting(anchors, "mx.other.test").verify(List.of(first)))
                .hasMessageContaining("mx.other.test");
    }

    @Test
    void aFileWithoutCertificatesIsRefused() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        assertThatThrownBy(() -> Outbound.trustAnchors(empty)).isInstanceOf(IOException.class)
                .hasMessageContaining("no certificate");
        Path garbage = Files.writeString(dir.resolve("garbage.pem"),
                "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n");
        assertThatThrownBy(() -> Outbound.trustAnchors(garbage)).isInstanceOf(IOException.class);
    }

    @Test
    void aHugeFileIsRefusedBeforeItIsParsed() throws Exception {
        Path huge = dir.resolve("huge.pem");
        Files.write(huge, new byte[(1 << 20) + 1]);
        assertThatThrownBy(() -> Outbound.trustAnchors(huge)).isInstanceOf(IOException.class)
                .hasMessageContaining("larger than");
    }

    @Test
    void aMissingFileIsAnError() {
        assertThatThrownBy(() -> Outbound.trustAnchors(dir.resolve("absent.pem"))).isInstanceOf(IOException.class);
    }
}
