package org.bastionmail.mtasts;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.bastionmail.dns.DnsResolver;
import org.bastionmail.dns.Lookup;
import org.bastionmail.tlsrpt.ResultType;

/**
 * The production {@link PolicyFetcher}: an HTTP/1.1 GET over TLS to {@code mta-sts.DOMAIN}.
 *
 * <p>It does not use {@code java.net.http.HttpClient}, which resolves names with the system resolver and
 * has no per-client hook: the policy host's addresses come from Bastion's {@link DnsResolver} (the same
 * DNSSEC-aware view the rest of delivery uses, and the loopback test server in tests). The socket is
 * then opened to that address with SNI and the certificate check bound to the host name, and the Host
 * header names it too, so virtual hosting and validation work as they would for a browser.
 */
public final class HttpsPolicyFetcher implements PolicyFetcher {
    static final String PATH = "/.well-known/mta-sts.txt";
    private static final int MAX_ADDRESSES = 4;

    private final DnsResolver dns;
    private final SSLContext tls;
    private final Settings settings;

    /**
     * @param timeout the whole fetch (connect, handshake, response); RFC 8461 3.3 suggests about a minute
     * @param port 443 in production (RFC 8461 3.3); tests use their server's ephemeral port
     * @param maxBodyBytes the largest policy accepted; RFC 8461 3.3 allows senders to cap it at 64 KiB
     */
    public record Settings(Duration timeout, int port, int maxBodyBytes) {
        public static final Settings DEFAULT = new Settings(Duration.ofSeconds(60), 443, StsPolicyParser.MAX_BYTES);

        public Settings {
            if (timeout.isNegative() || timeout.isZero() || port < 1 || port > 65535 || maxBodyBytes < 1) {
                throw new IllegalArgumentException("bad MTA-STS fetch settings");
            }
        }
    }

    /** @param tls trusts the certificate authorities policy hosts are checked against */
    public HttpsPolicyFetcher(DnsResolver dns, SSLContext tls, Settings settings) {
        this.dns = Objects.requireNonNull(dns, "dns");
        this.tls = Objects.requireNonNull(tls, "tls");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** A fetcher trusting the JDK's default trust store (cacerts), on port 443. */
    public static HttpsPolicyFetcher withDefaultTrust(DnsResolver dns) {
        try {
            return new HttpsPolicyFetcher(dns, SSLContext.getDefault(), Settings.DEFAULT);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no default TLS context", e);
        }
    }

    @Override
    public Fetch fetch(String policyDomain) {
        String host = "mta-sts." + HostPattern.normalize(policyDomain);
        Deadline deadline = Deadline.after(settings.timeout());
        List<InetAddress> addresses = addresses(host);
        if (addresses.isEmpty()) {
            return new Failed(ResultType.STS_POLICY_FETCH_ERROR, "no address for " + host);
        }
        Failed last = new Failed(ResultType.STS_POLICY_FETCH_ERROR, "no connection to " + host);
        for (InetAddress address : addresses) {
            Socket plain = new Socket();
            try {
                plain.connect(new InetSocketAddress(address, settings.port()), deadline.remainingMillis());
            } catch (IOException e) {
                closeQuietly(plain);
                last = new Failed(ResultType.STS_POLICY_FETCH_ERROR, "connecting to " + host + ": " + e.getMessage());
                if (deadline.passed()) {
                    return last;
                }
                continue;
            }
            // Once connected, the answer of this server is the answer: no second try elsewhere.
            return exchange(plain, host, deadline);
        }
        return last;
    }

    private Fetch exchange(Socket plain, String host, Deadline deadline) {
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(plain, host, settings.port(), true)) {
            SSLParameters parameters = socket.getSSLParameters();
            // The JDK's RFC 2818 / RFC 6125 name check against the policy host, as RFC 8461 3.3 requires.
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            parameters.setServerNames(List.of(new SNIHostName(host)));
            parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(deadline.remainingMillis());
            try {
                socket.startHandshake();
            } catch (IOException e) {
                return certificateProblem(e)
                        ? new Failed(ResultType.STS_WEBPKI_INVALID, "certificate of " + host + " not valid: " + e.getMessage())
                        : new Failed(ResultType.STS_POLICY_FETCH_ERROR, "TLS handshake with " + host + ": " + e.getMessage());
            }
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + PATH + " HTTP/1.1\r\nHost: " + host + "\r\nAccept: text/plain\r\n"
                    + "User-Agent: Bastion\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            HttpResponseReader.Response response =
                    new HttpResponseReader(new DeadlineInputStream(socket, deadline), settings.maxBodyBytes()).read();
            return accept(response, host);
        } catch (HttpResponseReader.BadResponse e) {
            return new Failed(ResultType.STS_POLICY_FETCH_ERROR, host + ": " + e.getMessage());
        } catch (IOException e) {
            return new Failed(ResultType.STS_POLICY_FETCH_ERROR, "fetching from " + host + ": " + e.getMessage());
        }
    }

    private static Fetch accept(HttpResponseReader.Response response, String host) {
        if (response.status() >= 300 && response.status() < 400) {
            // RFC 8461 3.3: "Senders MUST NOT follow redirects."
            return new Failed(ResultType.STS_POLICY_FETCH_ERROR, host + " answered with a redirect (" + response.status() + ")");
        }
        if (response.status() != 200) {
            return new Failed(ResultType.STS_POLICY_FETCH_ERROR, host + " answered " + response.status());
        }
        String type = response.header("content-type").orElse("");
        int semicolon = type.indexOf(';');
        String mediaType = (semicolon < 0 ? type : type.substring(0, semicolon)).strip();
        // RFC 8461 3.2: the policy is served as "text/plain".
        if (!mediaType.equalsIgnoreCase("text/plain")) {
            return new Failed(ResultType.STS_POLICY_FETCH_ERROR, host + " served the policy as '" + printable(mediaType) + "'");
        }
        var decoder = StandardCharsets.UTF_8.newDecoder();
        try {
            return new Fetched(decoder.decode(java.nio.ByteBuffer.wrap(response.body())).toString());
        } catch (java.nio.charset.CharacterCodingException e) {
            return new Failed(ResultType.STS_POLICY_FETCH_ERROR, host + " served a policy that is not UTF-8");
        }
    }

    private List<InetAddress> addresses(String host) {
        List<InetAddress> addresses = new ArrayList<>();
        // RFC 8461 3.3 names no family preference; IPv6 first as RFC 6724 would.
        if (dns.aaaa(host) instanceof Lookup.Found<List<InetAddress>> found) {
            addresses.addAll(found.records());
        }
        if (dns.a(host) instanceof Lookup.Found<List<InetAddress>> found) {
            addresses.addAll(found.records());
        }
        return addresses.size() > MAX_ADDRESSES ? addresses.subList(0, MAX_ADDRESSES) : addresses;
    }

    private static boolean certificateProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateException || t instanceof java.security.cert.CertPathValidatorException) {
                return true;
            }
        }
        return false;
    }

    static String printable(String s) {
        String cut = s.length() > 100 ? s.substring(0, 100) : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing was sent on it
        }
    }
}
