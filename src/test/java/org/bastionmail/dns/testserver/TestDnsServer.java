package org.bastionmail.dns.testserver;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A small DNS server on 127.0.0.1 (UDP and TCP on one ephemeral port) for tests. It is authoritative for
 * every zone it is given and answers like a recursive resolver for the whole tree (RA set, CNAMEs
 * followed across its zones), which is what a validating stub such as dnsjava's expects upstream.
 *
 * <p>Faults for a name: {@link #drop} (no reply: the client times out), {@link #servfail}, and
 * {@link #truncate} (TC over UDP so the client retries over TCP, RFC 7766 5). Every query is counted.
 * DNSSEC records are only sent to queries with the DO bit (RFC 3225 3).
 */
public final class TestDnsServer implements AutoCloseable {
    private static final int MAX_CHAIN = 8;

    private final List<TestZone> zones = new CopyOnWriteArrayList<>();
    private final Set<Name> dropped = ConcurrentHashMap.newKeySet();
    private final Set<Name> failing = ConcurrentHashMap.newKeySet();
    private final Set<Name> truncated = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final AtomicInteger tcpQueries = new AtomicInteger();
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final List<Thread> threads = new ArrayList<>();

    private TestDnsServer(DatagramSocket udp, ServerSocket tcp) {
        this.udp = udp;
        this.tcp = tcp;
    }

    /** Starts a server with these zones on 127.0.0.1, port chosen by the system. */
    public static TestDnsServer start(TestZone... zones) throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        for (int attempt = 0; ; attempt++) {
            DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, 0));
            try {
                ServerSocket tcp = new ServerSocket(udp.getLocalPort(), 50, loopback);
                TestDnsServer server = new TestDnsServer(udp, tcp);
                server.zones.addAll(List.of(zones));
                server.threads.add(Thread.ofVirtual().name("test-dns-udp").start(server::serveUdp));
                server.threads.add(Thread.ofVirtual().name("test-dns-tcp").start(server::serveTcp));
                return server;
            } catch (BindException e) {
                udp.close();
                if (attempt > 20) {
                    throw e;
                }
            }
        }
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(udp.getLocalAddress(), udp.getLocalPort());
    }

    /** The server as a {@code [dns] servers} entry. */
    public String hostPort() {
        return "127.0.0.1:" + udp.getLocalPort();
    }

    public TestDnsServer addZone(TestZone zone) {
        zones.add(zone);
        return this;
    }

    /** Queries for {@code name} get no reply at all. */
    public TestDnsServer drop(String name) {
        dropped.add(TestZone.name(name));
        return this;
    }

    /** Queries for {@code name} get SERVFAIL (RCODE 2). */
    public TestDnsServer servfail(String name) {
        failing.add(TestZone.name(name));
        return this;
    }

    /** UDP queries for {@code name} get an empty reply with TC set; TCP ones get the answer. */
    public TestDnsServer truncate(String name) {
        truncated.add(TestZone.name(name));
        return this;
    }

    /** How many queries (UDP and TCP) asked for {@code name} and {@code type} (e.g. {@code Type.A}). */
    public int queries(String name, int type) {
        AtomicInteger count = counts.get(key(TestZone.name(name), type));
        return count == null ? 0 : count.get();
    }

    /** All queries received so far. */
    public int queries() {
        return counts.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    public int tcpQueries() {
        return tcpQueries.get();
    }

    private static String key(Name name, int type) {
        return name.toString().toLowerCase(java.util.Locale.ROOT) + "/" + Type.string(type);
    }

    private void serveUdp() {
        byte[] buffer = new byte[65535];
        while (!udp.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                udp.receive(packet);
                Message query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                Optional<byte[]> reply = reply(query, false);
                if (reply.isPresent()) {
                    udp.send(new DatagramPacket(reply.get(), reply.get().length, packet.getSocketAddress()));
                }
            } catch (IOException e) {
                // a malformed query or the socket closing: nothing to answer
            }
        }
    }

    private void serveTcp() {
        while (!tcp.isClosed()) {
            try {
                Socket socket = tcp.accept();
                Thread.ofVirtual().start(() -> serveConnection(socket));
            } catch (IOException e) {
                // closing
            }
        }
    }

    /** RFC 1035 4.2.2: each message is preceded by its two-octet length; several may share a connection. */
    private void serveConnection(Socket socket) {
        try (socket;
                DataInputStream in = new DataInputStream(socket.getInputStream());
                DataOutputStream out = new DataOutputStream(socket.getOutputStream())) {
            while (true) {
                byte[] wire = new byte[in.readUnsignedShort()];
                in.readFully(wire);
                tcpQueries.incrementAndGet();
                Optional<byte[]> reply = reply(new Message(wire), true);
                if (reply.isPresent()) {
                    out.writeShort(reply.get().length);
                    out.write(reply.get());
                    out.flush();
                }
            }
        } catch (EOFException e) {
            // client done
        } catch (IOException e) {
            // client went away or sent garbage
        }
    }

    private Optional<byte[]> reply(Message query, boolean overTcp) {
        Record question = query.getQuestion();
        if (question == null) {
            return Optional.empty();
        }
        Name name = question.getName();
        int type = question.getType();
        counts.computeIfAbsent(key(name, type), k -> new AtomicInteger()).incrementAndGet();
        if (dropped.contains(name)) {
            return Optional.empty();
        }
        OPTRecord queryOpt = query.getOPT();
        boolean dnssecOk = queryOpt != null && (queryOpt.getFlags() & ExtendedFlags.DO) != 0;
        Message response = header(query);
        if (failing.contains(name)) {
            response.getHeader().setRcode(Rcode.SERVFAIL);
        } else {
            answer(response, name, type, dnssecOk);
        }
        if (queryOpt != null) {
            response.addRecord(new OPTRecord(1232, 0, 0, dnssecOk ? ExtendedFlags.DO : 0), Section.ADDITIONAL);
        }
        byte[] wire = response.toWire();
        int limit = queryOpt == null ? 512 : Math.max(512, queryOpt.getPayloadSize());
        if (!overTcp && (truncated.contains(name) || wire.length > limit)) {
            Message tc = header(query);
            tc.getHeader().setFlag(Flags.TC);
            wire = tc.toWire();
        }
        return Optional.of(wire);
    }

    private static Message header(Message query) {
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.RA);
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        if (query.getHeader().getFlag(Flags.CD)) {
            response.getHeader().setFlag(Flags.CD);
        }
        response.addRecord(query.getQuestion(), Section.QUESTION);
        return response;
    }

    private void answer(Message response, Name name, int type, boolean dnssecOk) {
        Name current = name;
        for (int hop = 0; hop < MAX_CHAIN; hop++) {
            Optional<TestZone> found = zoneFor(current, type);
            if (found.isEmpty()) {
                if (hop == 0) {
                    response.getHeader().setRcode(Rcode.REFUSED);
                }
                return;
            }
            TestZone zone = found.get();
            Optional<RRset> records = zone.rrset(current, type);
            if (records.isPresent()) {
                addRRset(response, records.get(), Section.ANSWER, dnssecOk);
                return;
            }
            Optional<RRset> cname = zone.rrset(current, Type.CNAME);
            if (cname.isPresent() && type != Type.CNAME) {
                addRRset(response, cname.get(), Section.ANSWER, dnssecOk);
                current = ((org.xbill.DNS.CNAMERecord) cname.get().first()).getTarget();
                continue;
            }
            negative(response, zone, current, dnssecOk);
            return;
        }
    }

    /** RFC 2308 3 with RFC 4035 3.1.3: the SOA, and the NSECs proving NODATA or the name error. */
    private static void negative(Message response, TestZone zone, Name name, boolean dnssecOk) {
        addRRset(response, zone.rrset(zone.origin(), Type.SOA).orElseThrow(), Section.AUTHORITY, dnssecOk);
        boolean exists = zone.exists(name);
        if (!exists) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
        }
        if (!dnssecOk || !zone.signed()) {
            return;
        }
        Set<RRset> proofs = new LinkedHashSet<>();
        zone.nsecCovering(name).ifPresent(proofs::add);
        if (!exists) {
            try {
                Name wildcard = Name.concatenate(Name.fromString("*"), zone.closestEncloser(name));
                zone.nsecCovering(wildcard).ifPresent(proofs::add);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        for (RRset proof : proofs) {
            addRRset(response, proof, Section.AUTHORITY, true);
        }
    }

    private static void addRRset(Message response, RRset rrset, int section, boolean withSignatures) {
        for (Record r : rrset.rrs(false)) {
            response.addRecord(r, section);
        }
        if (withSignatures) {
            for (Record sig : rrset.sigs()) {
                response.addRecord(sig, section);
            }
        }
    }

    /**
     * The deepest zone holding {@code name}; for DS the parent side of a zone cut (RFC 4035 3.1.4.1),
     * since the DS of a zone lives in its parent.
     */
    private Optional<TestZone> zoneFor(Name name, int type) {
        TestZone best = null;
        for (TestZone zone : zones) {
            boolean holds = name.subdomain(zone.origin()) && !(type == Type.DS && name.equals(zone.origin()) && !name.equals(Name.root));
            if (holds && (best == null || zone.origin().labels() > best.origin().labels())) {
                best = zone;
            }
        }
        return Optional.ofNullable(best);
    }

    @Override
    public void close() throws IOException {
        udp.close();
        tcp.close();
        for (Thread thread : threads) {
            thread.interrupt();
        }
    }
}
