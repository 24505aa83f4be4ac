package org.bastionmail.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bastionmail.config.Config;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.dns.testserver.TestDnsServer;
import org.bastionmail.dns.testserver.TestZone;
import org.bastionmail.store.StoredMessage;

/**
 * A whole Bastion started in-process on ephemeral loopback ports with a temporary data dir, for
 * integration and interop tests.
 */
public final class RunningServer implements AutoCloseable {
    /** The zones every test server answers for: the .test TLD (empty) and loopback's reverse names. */
    private static final String SOA = "@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\n";

    private final MailServer server;
    private final Config config;
    private final TestDnsServer dns;

    private RunningServer(MailServer server, Config config, TestDnsServer dns) {
        this.server = server;
        this.config = config;
        this.dns = dns;
    }

    public static RunningServer start(Path dataDir) throws Exception {
        return start(dataDir, Config.Limits.defaults());
    }

    public static RunningServer start(Path dataDir, Config.Limits limits, TestZone... zones) throws Exception {
        return start(dataDir, config -> config.withLimits(limits), zones);
    }

    /** A server whose configuration the test adjusts (domains, delivery settings) before it starts. */
    public static RunningServer start(Path dataDir, java.util.function.UnaryOperator<Config> customize, TestZone... zones)
            throws Exception {
        TestDnsServer dns = startDns(zones);
        InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
        Config config = customize.apply(Config.localDefault(dataDir)
                .withListen(Config.Listen.all(any))
                .withDns(loopbackDns(dns)));
        return new RunningServer(MailServer.start(config), config, dns);
    }

    /**
     * A DNS server on loopback for the server under test, so that no test query leaves the machine: it
     * knows the .test TLD (where every test domain lives), 127.in-addr.arpa, and the given zones.
     */
    public static TestDnsServer startDns(TestZone... zones) throws Exception {
        TestDnsServer dns = TestDnsServer.start(TestZone.parse("test", SOA),
                TestZone.parse("127.in-addr.arpa", SOA + "1.0.0 PTR localhost.\n"));
        for (TestZone zone : zones) {
            dns.addZone(zone);
        }
        return dns;
    }

    public static Config.Dns loopbackDns(TestDnsServer dns) {
        return new Config.Dns(List.of(dns.address()), Duration.ofSeconds(2), Optional.empty(), false);
    }

    public TestDnsServer dns() {
        return dns;
    }

    public MailServer server() {
        return server;
    }

    public int port(String listener) {
        return server.listeners().get(listener).getPort();
    }

    /** The self-signed certificate the server generated, for clients that verify the chain. */
    public Path certificate() {
        return config.dataDir().resolve("tls").resolve("selfsigned-cert.pem");
    }

    public void addUser(String address, String password) {
        server.directory().addUser(MailAddress.parse(address), password.toCharArray());
    }

    /** The INBOX messages of {@code account}, as text, once delivery has caught up (or after {@code wait}). */
    public List<String> inbox(String account, Duration wait) throws Exception {
        server.delivery().awaitIdle(wait);
        List<String> contents = new ArrayList<>();
        for (StoredMessage message : server.store().messages(account, "INBOX")) {
            try (InputStream in = server.store().openContent(account, "INBOX", message.uid()).orElseThrow()) {
                ByteArrayOutputStream buffer = new ByteArrayOutputStream();
                in.transferTo(buffer);
                contents.add(buffer.toString(StandardCharsets.UTF_8));
            }
        }
        return contents;
    }

    @Override
    public void close() {
        server.shutdown(Duration.ofSeconds(2));
        try {
            dns.close();
        } catch (IOException e) {
            // the test is over
        }
    }

    /** Reads an InputStream fully, for tests that read processes' output. */
    public static String read(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
