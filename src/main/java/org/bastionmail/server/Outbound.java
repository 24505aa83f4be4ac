package org.bastionmail.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.bastionmail.config.Config;
import org.bastionmail.dane.DaneLookup;
import org.bastionmail.delivery.Bounces;
import org.bastionmail.delivery.RemoteDelivery;
import org.bastionmail.delivery.SmtpTransport;
import org.bastionmail.directory.Directory;
import org.bastionmail.dns.DnsResolver;
import org.bastionmail.mtasts.HttpsPolicyFetcher;
import org.bastionmail.mtasts.MtaSts;
import org.bastionmail.mtasts.StsCertificateCheck;
import org.bastionmail.queue.FileQueue;
import org.bastionmail.queue.QueueRequests;
import org.bastionmail.routing.AddressFamilies;
import org.bastionmail.routing.MxResolver;
import org.bastionmail.routing.RoutingSettings;
import org.bastionmail.routing.Smarthost;
import org.bastionmail.smtp.client.CertificateCheck;
import org.bastionmail.smtp.client.ClientSettings;
import org.bastionmail.smtp.client.Credentials;
import org.bastionmail.smtp.client.Endpoint;
import org.bastionmail.tlsrpt.TlsResultRecorder;

/** Puts outbound delivery together from the configuration: routing, TLS policies, the SMTP client, retries. */
final class Outbound {
    /** A trust store of a few CAs is kilobytes; the whole Web PKI bundle is about 200 KiB. */
    private static final long MAX_TRUST_ANCHORS_BYTES = 1 << 20;

    private Outbound() {}

    static RemoteDelivery start(Config config, DnsResolver dns, FileQueue queue, Directory directory, Bounces bounces,
            TlsResultRecorder tlsResults) throws IOException {
        Clock clock = Clock.systemUTC();
        Config.Delivery settings = config.delivery();
        MxResolver routes = new MxResolver(dns, new RoutingSettings(settings.remotePort(), AddressFamilies.IPV6_FIRST,
                Set.of(config.hostname()), 10), new SecureRandom());
        ClientSettings client = ClientSettings.defaults(config.hostname());
        if (settings.sourceAddress().isPresent()) {
            client = client.withSourceAddress(settings.sourceAddress().get());
        }
        Function<String, CertificateCheck> pkix = CertificateCheck::systemTrust;
        if (settings.trustAnchors().isPresent()) {
            List<X509Certificate> anchors = trustAnchors(settings.trustAnchors().get());
            pkix = host -> CertificateCheck.trusting(anchors, host);
        }
        SmtpTransport transport = new SmtpTransport(routes, smarthost(settings), new DaneLookup(dns, settings.remotePort()),
                new MtaSts(dns, HttpsPolicyFetcher.withDefaultTrust(dns), config.dataDir(), clock),
                StsCertificateCheck.withDefaultTrust(), tlsResults, client, pkix);
        RemoteDelivery.Options usual = RemoteDelivery.Options.defaults(bounces);
        RemoteDelivery.Options options = new RemoteDelivery.Options(usual.maxConnections(), usual.perDestination(),
                usual.firstRetry(), usual.maxRetry(), settings.giveUpAfter(), settings.delayWarningAfter(),
                usual.scanInterval(), usual.clock(), bounces);
        return RemoteDelivery.start(queue, directory, transport, options,
                new QueueRequests(config.dataDir()));
    }

    /** The CA certificates of {@code [delivery] trust_anchors}: a PEM file of one or more certificates. */
    static List<X509Certificate> trustAnchors(Path file) throws IOException {
        if (Files.size(file) > MAX_TRUST_ANCHORS_BYTES) {
            throw new IOException(file + ": larger than " + MAX_TRUST_ANCHORS_BYTES + " bytes, not a file of CA certificates");
        }
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> anchors = new ArrayList<>();
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                anchors.add((X509Certificate) certificate);
            }
            if (anchors.isEmpty()) {
                throw new IOException(file + ": no certificate in it");
            }
            return List.copyOf(anchors);
        } catch (CertificateException e) {
            throw new IOException(file + ": not PEM certificates: " + e.getMessage(), e);
        }
    }

    private static Optional<Smarthost> smarthost(Config.Delivery settings) throws IOException {
        if (settings.smarthost().isEmpty()) {
            return Optional.empty();
        }
        Config.Smarthost s = settings.smarthost().get();
        Optional<Credentials> credentials = Optional.empty();
        if (s.username().isPresent() && s.passwordFile().isPresent()) {
            // The password lives in a file of its own, readable by the server only, never in the configuration.
            String password = Files.readString(s.passwordFile().get(), StandardCharsets.UTF_8).strip();
            credentials = Optional.of(new Credentials(s.username().get(), password));
        }
        return Optional.of(new Smarthost(s.host(), s.port(),
                s.implicitTls() ? Endpoint.Security.IMPLICIT_TLS : Endpoint.Security.STARTTLS, credentials));
    }
}
