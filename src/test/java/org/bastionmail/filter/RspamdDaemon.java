package org.bastionmail.filter;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A private rspamd (Debian package rspamd) on loopback: its normal worker (HTTP) and its proxy worker in milter
 * mode scanning by itself, with Debian's rules but a private config, database and run directory. Modules that
 * need the network or Redis are off, its resolver is a loopback test DNS server, and one rule of its own makes
 * it deterministic: a Subject with {@link #JUNK_MARKER} scores 8 ("add header" from 6), GTUBE is "reject".
 */
public final class RspamdDaemon implements AutoCloseable {
    public static final String JUNK_MARKER = "BASTION-JUNK-MARKER";
    /** The GTUBE test string, which rspamd rejects by itself. */
    public static final String GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";

    private final Process process;
    public final int normalPort;
    public final int proxyPort;

    private RspamdDaemon(Process process, int normalPort, int proxyPort) {
        this.process = process;
        this.normalPort = normalPort;
        this.proxyPort = proxyPort;
    }

    /**
     * @param dir a fresh private directory
     * @param dns a resolver on loopback for rspamd's own lookups
     */
    public static RspamdDaemon start(Path dir, InetSocketAddress dns) throws Exception {
        Path binary = Daemons.tool("rspamd", "rspamd");
        int normal = Daemons.freePort();
        int proxy = Daemons.freePort();
        Path local = dir.resolve("local");
        Files.createDirectories(local.resolve("local.d"));
        Files.createDirectories(local.resolve("override.d"));
        Files.createDirectories(dir.resolve("run"));
        // Compiled regexp caches survive between runs of the build, which saves most of the start time.
        Path db = Path.of("target", "rspamd-db").toAbsolutePath();
        Files.createDirectories(db);
        Files.writeString(dir.resolve("rspamd.conf"), String.join("\n",
                ".include \"$CONFDIR/common.conf\"",
                "options {",
                "  pidfile = \"$RUNDIR/rspamd.pid\";",
                "  .include \"$CONFDIR/options.inc\"",
                "  dns { nameserver = [\"" + dns.getAddress().getHostAddress() + ":" + dns.getPort()
                        + "\"]; timeout = 1s; retransmits = 1; }",
                "}",
                "logging { type = \"file\"; filename = \"$RUNDIR/rspamd.log\"; level = \"info\"; }",
                "worker \"normal\" { bind_socket = \"127.0.0.1:" + normal + "\"; .include \"$CONFDIR/worker-normal.inc\" count = 1; }",
                "worker \"rspamd_proxy\" { bind_socket = \"127.0.0.1:" + proxy + "\"; milter = yes; timeout = 60s; count = 1;",
                "  upstream \"local\" { default = yes; self_scan = yes; }",
                "  spam_header = \"X-Spam\"; reject_message = \"Spam message rejected\"; }",
                ""));
        Files.writeString(local.resolve("override.d/actions.conf"), "reject = 15;\nadd_header = 6;\ngreylist = null;\n");
        // Headers the proxy adds to every message it passes, the queue id among them (the milter macro "i").
        Files.writeString(local.resolve("local.d/milter_headers.conf"),
                "use = [\"x-spamd-result\", \"x-rspamd-queue-id\"];\nskip_local = false;\nskip_authenticated = false;\n");
        Files.writeString(local.resolve("rspamd.local.lua"), String.join("\n",
                "rspamd_config.BASTION_TEST_MARKER = {",
                "  callback = function(task)",
                "    local subject = task:get_subject()",
                "    return subject ~= nil and subject:find('" + JUNK_MARKER + "', 1, true) ~= nil",
                "  end,",
                "  score = 8.0,",
                "  description = 'Subject carries the Bastion test marker',",
                "  group = 'bastion_test',",
                "}",
                ""));
        for (String module : List.of("rbl", "surbl", "spf", "dkim", "dmarc", "arc", "asn", "fuzzy_check", "phishing",
                "mx_check", "dkim_signing", "emails", "whitelist", "reputation", "neural", "ratelimit", "greylist",
                "replies", "url_redirector", "rspamd_update", "maillist", "once_received", "hfilter")) {
            Files.writeString(local.resolve("local.d/" + module + ".conf"), "enabled = false;\n");
        }
        List<String> command = new ArrayList<>(List.of(binary.toString(), "-f", "-c", dir.resolve("rspamd.conf").toString(),
                "--var=LOCAL_CONFDIR=" + local, "--var=DBDIR=" + db, "--var=RUNDIR=" + dir.resolve("run"),
                "--var=LOGDIR=" + dir.resolve("run")));
        if (Daemons.root()) {
            command.addAll(List.of("-i", "-u", "root", "-g", "root"));
        }
        Path output = dir.resolve("rspamd.out");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        RspamdDaemon daemon = new RspamdDaemon(process, normal, proxy);
        Daemons.await(process, () -> Daemons.listening(normal) && Daemons.listening(proxy) && daemon.pingOk(), 120, output);
        return daemon;
    }

    /** The normal worker answers only once its rules are loaded. */
    private boolean pingOk() {
        try {
            var http = java.net.http.HttpClient.newHttpClient();
            var response = http.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + normalPort + "/ping")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        Daemons.stop(process);
    }
}
