package org.bastionmail.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.bastionmail.mail.MailAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private Path write(String toml) throws IOException {
        Path file = dir.resolve("bastion.toml");
        Files.writeString(file, toml);
        return file;
    }

    @Test
    void readsEveryDocumentedKey() throws Exception {
        Path file = write("""
                hostname = "mx.example.test"
                data_dir = "data"
                domains  = ["example.test", "Other.Test"]
                postmaster = "admin@example.test"
                [listen]
                smtp = "127.0.0.1:2525"
                submission = "[::1]:5587"
                imaps = "127.0.0.1:993"
                pop3 = "127.0.0.1:110"
                [tls]
                cert = "/etc/ssl/fullchain.pem"
                key  = "/etc/ssl/key.pem"
                [limits]
                message_size = 1048576
                recipients = 50
                idle_timeout = 60
                """);
        Config config = ConfigLoader.load(file);
        assertThat(config.hostname()).isEqualTo("mx.example.test");
        assertThat(config.dataDir()).isEqualTo(dir.resolve("data"));
        assertThat(config.domains()).containsExactly("example.test", "other.test");
        assertThat(config.postmaster()).contains(MailAddress.parse("admin@example.test"));
        assertThat(config.listen().smtp()).contains(new InetSocketAddress("127.0.0.1", 2525));
        assertThat(config.listen().submission()).contains(new InetSocketAddress("::1", 5587));
        assertThat(config.listen().submissions()).isEmpty();
        assertThat(config.listen().imap()).isEmpty();
        assertThat(config.listen().imaps()).contains(new InetSocketAddress("127.0.0.1", 993));
        assertThat(config.listen().pop3()).contains(new InetSocketAddress("127.0.0.1", 110));
        assertThat(config.listen().pop3s()).isEmpty();
        assertThat(config.tls().cert()).contains(Path.of("/etc/ssl/fullchain.pem"));
        assertThat(config.limits().messageSize()).isEqualTo(1_048_576);
        assertThat(config.limits().recipients()).isEqualTo(50);
        assertThat(config.limits().idleTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.limits().errors()).isEqualTo(Config.Limits.defaults().errors());
    }

    @Test
    void antivirusSettings() throws Exception {
        Config config = ConfigLoader.load(write("[antivirus]\nclamd = \"127.0.0.1:3310\"\nfail_open = true\nmax_size = 1048576\n"));
        assertThat(config.antivirus().clamd()).contains("127.0.0.1:3310");
        assertThat(config.antivirus().failOpen()).isTrue();
        assertThat(config.antivirus().maxSize()).isEqualTo(1_048_576);
        assertThat(ConfigLoader.load(write("[antivirus]\nclamd = \"/run/clamav/clamd.ctl\"\n")).antivirus().clamd())
                .contains("/run/clamav/clamd.ctl");
        assertThat(ConfigLoader.load(write("domains = []\n")).antivirus().clamd()).isEmpty();
        Path bad = write("[antivirus]\nclamd = \"clamd.local\"\nfail_open = \"yes\"\n");
        assertThatThrownBy(() -> ConfigLoader.load(bad)).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(2));
    }

    @Test
    void logSettings() throws Exception {
        Config defaults = ConfigLoader.load(write("domains = []\n"));
        assertThat(defaults.logging().format()).isEqualTo(Config.Logging.Format.JSON);
        assertThat(defaults.logging().transactionsFile(defaults.dataDir()))
                .isEqualTo(defaults.dataDir().resolve("log/transactions.jsonl"));
        assertThat(defaults.logging().daily()).isTrue();
        Config config = ConfigLoader.load(write("[log]\nformat = \"off\"\ntransactions = \"/var/log/bastion/tx.jsonl\"\n"
                + "rotate = \"size\"\nmax_size = 1048576\nkeep = 3\nbuffer = 500\n"));
        assertThat(config.logging()).isEqualTo(new Config.Logging(Config.Logging.Format.OFF,
                java.util.Optional.of(Path.of("/var/log/bastion/tx.jsonl")), false, 1_048_576, 3, 500));
        Path bad = write("[log]\nformat = \"text\"\nrotate = \"hourly\"\nmax_size = 10\nkeep = -1\nsecret = 1\n");
        assertThatThrownBy(() -> ConfigLoader.load(bad)).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(5)
                        .anySatisfy(p -> assertThat(p).contains("log.format"))
                        .anySatisfy(p -> assertThat(p).contains("log.rotate"))
                        .anySatisfy(p -> assertThat(p).contains("log.max_size"))
                        .anySatisfy(p -> assertThat(p).contains("log.keep"))
                        .anySatisfy(p -> assertThat(p).contains("log.secret")));
    }

    @Test
    void screeningSettings() throws Exception {
        Config config = ConfigLoader.load(write("""
                [defence]
                message_rate_per_ip = 30
                recipient_rate_per_user = 50
                auth_on_mx = true
                [screening]
                banner_delay = 3
                dnsbl_threshold = 2
                [[screening.dnsbl]]
                zone = "zen.example"
                weight = 2
                answers = ["127.0.0.2-127.0.0.11"]
                [[screening.dnsbl]]
                zone = "bl.example"
                [[screening.dnswl]]
                zone = "list.dnswl.example"
                [screening.greylisting]
                delay = 60
                spf_pass_domains = ["Example.COM"]
                """));
        Config.Screening screening = config.screening();
        assertThat(screening.bannerDelay()).isEqualTo(Duration.ofSeconds(3));
        assertThat(screening.dnsblThreshold()).isEqualTo(2);
        assertThat(screening.dnsbl()).containsExactly(
                new Config.Screening.DnsList("zen.example", 2, List.of("127.0.0.2-127.0.0.11")),
                new Config.Screening.DnsList("bl.example", 1, List.of()));
        assertThat(screening.dnswl()).extracting(Config.Screening.DnsList::zone).containsExactly("list.dnswl.example");
        assertThat(screening.greylisting().enabled()).as("a greylisting table turns it on").isTrue();
        assertThat(screening.greylisting().delay()).isEqualTo(Duration.ofMinutes(1));
        assertThat(screening.greylisting().spfPassDomains()).containsExactly("example.com");
        assertThat(config.defence().messageRatePerIp()).isEqualTo(30);
        assertThat(config.defence().recipientRatePerUser()).isEqualTo(50);
        assertThat(config.defence().authOnMx()).isTrue();

        Config defaults = ConfigLoader.load(write("domains = []\n"));
        assertThat(defaults.screening()).isEqualTo(Config.Screening.defaults());
        assertThat(defaults.screening().greylisting().enabled()).isFalse();
        assertThat(defaults.defence().messageRatePerIp()).isEqualTo(Config.Defence.MESSAGE_RATE_PER_IP);
        assertThat(defaults.defence().authOnMx()).as("no AUTH on port 25 unless asked for").isFalse();
        assertThat(ConfigLoader.load(write("[screening]\ngreylisting = true\n")).screening().greylisting().enabled()).isTrue();

        Path bad = write("""
                [screening]
                banner_delay = 99
                unknown = 1
                greylisting = "yes"
                [[screening.dnsbl]]
                zone = "not a zone"
                [[screening.dnsbl]]
                zone = "zen.example"
                answers = ["10.0.0.1"]
                [[screening.dnswl]]
                zone = "wl.example"
                weight = 3
                """);
        assertThatThrownBy(() -> ConfigLoader.load(bad)).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(6)
                        .anyMatch(p -> p.contains("screening.banner_delay"))
                        .anyMatch(p -> p.contains("screening.unknown"))
                        .anyMatch(p -> p.contains("screening.greylisting: must be true, false or a table"))
                        .anyMatch(p -> p.contains("screening.dnsbl.zone"))
                        .anyMatch(p -> p.contains("screening.dnsbl.answers") && p.contains("outside 127.0.0.0/8"))
                        .anyMatch(p -> p.contains("screening.dnswl.weight: unknown key")));
        Path window = write("[screening.greylisting]\ndelay = 600\nretry_window = 300\n");
        assertThatThrownBy(() -> ConfigLoader.load(window)).hasMessageContaining("retry_window: must be longer than delay");
    }

    @Test
    void filterSettings() throws Exception {
        Config config = ConfigLoader.load(write("""
                [[filters.milter]]
                address = "inet:127.0.0.1:11332"
                fail_open = true
                timeout = 20
                [[filters.milter]]
                address = "unix:/run/clamav-milter/clamav-milter.ctl"
                [filters.rspamd]
                url = "http://127.0.0.1:11333"
                max_size = 1048576
                """));
        assertThat(config.filters().milters()).containsExactly(
                new Config.Filters.Milter("inet:127.0.0.1:11332", true, Duration.ofSeconds(20)),
                new Config.Filters.Milter("unix:/run/clamav-milter/clamav-milter.ctl", false, Duration.ofSeconds(60)));
        assertThat(config.filters().rspamd()).contains(new Config.Filters.Rspamd(
                java.net.URI.create("http://127.0.0.1:11333"), false, Duration.ofSeconds(30), 1_048_576));
        assertThat(ConfigLoader.load(write("domains = []\n")).filters()).isEqualTo(Config.Filters.none());
        Path bad = write("""
                [[filters.milter]]
                address = "127.0.0.1:11332"
                fail_open = "no"
                [[filters.milter]]
                timeout = 0
                [filters.rspamd]
                url = "ftp://rspamd.local/"
                colour = "red"
                """);
        assertThatThrownBy(() -> ConfigLoader.load(bad)).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(6)
                        .anyMatch(p -> p.contains("filters.milter.address: a milter address is inet:host:port"))
                        .anyMatch(p -> p.contains("filters.milter.fail_open: must be true or false"))
                        .anyMatch(p -> p.contains("filters.milter.address: missing"))
                        .anyMatch(p -> p.contains("filters.milter.timeout: 0 is out of range"))
                        .anyMatch(p -> p.contains("filters.rspamd.url"))
                        .anyMatch(p -> p.contains("filters.rspamd.colour: unknown key")));
    }

    @Test
    void giveUpAndDelayWarningTimes() throws Exception {
        Config config = ConfigLoader.load(write("[delivery]\ngive_up_after = 259200\ndelay_warning_after = 7200\n"));
        assertThat(config.delivery().giveUpAfter()).isEqualTo(Duration.ofDays(3));
        assertThat(config.delivery().delayWarningAfter()).isEqualTo(Duration.ofHours(2));
        assertThat(ConfigLoader.load(write("domains = []\n")).delivery().giveUpAfter()).isEqualTo(Duration.ofDays(5));
        Path bad = write("[delivery]\ngive_up_after = 7200\ndelay_warning_after = 7200\n");
        assertThatThrownBy(() -> ConfigLoader.load(bad)).hasMessageContaining("delivery.delay_warning_after: must be shorter");
    }

    @Test
    void relayNetworksAreCidrRanges() throws Exception {
        Config config = ConfigLoader.load(write("[delivery]\nrelay_networks = [\"10.1.0.0/16\", \"2001:db8::/48\"]\n"));
        assertThat(config.delivery().relayNetworks()).hasSize(2);
        assertThat(config.delivery().relayNetworks().getFirst().contains(java.net.InetAddress.getByName("10.1.2.3"))).isTrue();
        assertThat(config.delivery().relayNetworks().getFirst().contains(java.net.InetAddress.getByName("10.2.0.1"))).isFalse();
        assertThat(ConfigLoader.load(write("domains = []\n")).delivery().relayNetworks()).isEmpty();
        Path bad = write("[delivery]\nrelay_networks = [\"10.0.0.0/33\"]\n");
        assertThatThrownBy(() -> ConfigLoader.load(bad)).hasMessageContaining("delivery.relay_networks");
    }

    @Test
    void missingListenersAreOff() throws Exception {
        Config config = ConfigLoader.load(write("hostname = \"mx.example.test\"\ndata_dir = \"d\"\n"));
        assertThat(config.listen().smtp()).isEmpty();
        assertThat(config.listen().submission()).isEmpty();
        assertThat(config.domains()).isEmpty();
        assertThat(config.listen().admin()).isEmpty();
    }

    @Test
    void adminEndpointIsLoopbackOnly() throws Exception {
        Config config = ConfigLoader.load(write("hostname = \"mx.example.test\"\ndata_dir = \"d\"\n[listen]\nadmin = \"127.0.0.1:8025\"\n"));
        assertThat(config.listen().admin()).contains(new java.net.InetSocketAddress("127.0.0.1", 8025));
        Path file = write("hostname = \"mx.example.test\"\ndata_dir = \"d\"\n[listen]\nadmin = \"0.0.0.0:8025\"\n");
        assertThatThrownBy(() -> ConfigLoader.load(file))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .containsExactly(file + ": listen.admin: must be a loopback address such as 127.0.0.1:8025"));
    }

    @Test
    void reportsEveryProblemWithFileKeyAndReason() throws Exception {
        Path file = write("""
                hostname = "not a host"
                colour = "blue"
                domains = "example.test"
                [listen]
                smtp = "localhost:25"
                submission = "127.0.0.1:99999"
                imap4 = "127.0.0.1:143"
                [tls]
                cert = "/only/cert.pem"
                [limits]
                message_size = "big"
                recipients = 0
                """);
        assertThatThrownBy(() -> ConfigLoader.load(file))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .allMatch(p -> p.startsWith(file.toString() + ": "))
                        .anyMatch(p -> p.contains("hostname:"))
                        .anyMatch(p -> p.contains("colour: unknown key"))
                        .anyMatch(p -> p.contains("domains: must be a list"))
                        .anyMatch(p -> p.contains("listen.smtp:") && p.contains("not an IP address"))
                        .anyMatch(p -> p.contains("listen.submission:") && p.contains("between 1 and 65535"))
                        .anyMatch(p -> p.contains("listen.imap4: unknown key"))
                        .anyMatch(p -> p.contains("tls: cert and key must be given together"))
                        .anyMatch(p -> p.contains("limits.message_size: must be a whole number"))
                        .anyMatch(p -> p.contains("limits.recipients: 0 is out of range"))
                        .hasSize(9));
    }

    @Test
    void invalidTomlIsRefusedWithTheFileName() throws Exception {
        Path file = write("hostname = \"unterminated\n");
        assertThatThrownBy(() -> ConfigLoader.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("not valid TOML");
    }

    @Test
    void missingFileIsReported() {
        Path file = dir.resolve("nope.toml");
        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessageContaining("file not found");
    }

    @Test
    void duplicateAndInvalidDomainsAreRefused() throws Exception {
        Path file = write("domains = [\"a.test\", \"A.test\", \"bad..name\", 7]\n");
        assertThatThrownBy(() -> ConfigLoader.load(file))
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(3));
    }

    @Test
    void socketAddressesAcceptOnlyIpLiterals() {
        assertThat(SocketAddresses.parse("0.0.0.0:25").getPort()).isEqualTo(25);
        assertThat(SocketAddresses.parse("[::]:25").getAddress().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:0");
        assertThatThrownBy(() -> SocketAddresses.parse("::1:25")).hasMessageContaining("brackets");
        assertThatThrownBy(() -> SocketAddresses.parse("256.1.1.1:25")).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> SocketAddresses.parse("mail.example.com:25")).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> SocketAddresses.parse("127.0.0.1")).hasMessageContaining("ip:port");
    }

    @Test
    void readsTheDnsTable() throws Exception {
        Path file = write("""
                [dns]
                servers = ["127.0.0.1:5353", "[::1]:53"]
                timeout = 2
                trust_anchors = "anchors.txt"
                dnssec = false
                """);
        Config.Dns dns = ConfigLoader.load(file).dns();
        assertThat(dns.servers()).containsExactly(new InetSocketAddress("127.0.0.1", 5353), new InetSocketAddress("::1", 53));
        assertThat(dns.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(dns.trustAnchors()).contains(dir.resolve("anchors.txt"));
        assertThat(dns.dnssec()).isFalse();
    }

    @Test
    void dnsDefaultsToSystemResolversWithShippedAnchorsAndValidation() throws Exception {
        Config.Dns dns = ConfigLoader.load(write("hostname = \"mx.example.test\"\n")).dns();
        assertThat(dns).isEqualTo(Config.Dns.defaults());
        assertThat(dns.servers()).isEmpty();
        assertThat(dns.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(dns.trustAnchors()).isEmpty();
        assertThat(dns.dnssec()).isTrue();
        assertThat(Config.localDefault(dir).dns()).isEqualTo(Config.Dns.defaults());
    }

    @Test
    void reportsEveryDnsProblem() throws Exception {
        Path file = write("""
                [dns]
                servers = ["dns.example:53", 53, "127.0.0.1"]
                timeout = 0
                trust_anchors = ""
                dnssec = "yes"
                retries = 3
                """);
        assertThatThrownBy(() -> ConfigLoader.load(file))
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .anyMatch(p -> p.contains("dns.servers:") && p.contains("not an IP address"))
                        .anyMatch(p -> p.contains("dns.servers: 53 is not an ip:port string"))
                        .anyMatch(p -> p.contains("dns.servers:") && p.contains("ip:port"))
                        .anyMatch(p -> p.contains("dns.timeout: 0 is out of range"))
                        .anyMatch(p -> p.contains("dns.trust_anchors: must be a non-empty string"))
                        .anyMatch(p -> p.contains("dns.dnssec: must be true or false"))
                        .anyMatch(p -> p.contains("dns.retries: unknown key"))
                        .hasSize(7));
    }

    @Test
    void dnsServersMustBeAList() throws Exception {
        Path file = write("[dns]\nservers = \"127.0.0.1:53\"\n");
        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessageContaining("dns.servers: must be a list");
    }

    @Test
    void readsThePolicyAndDmarcTables() throws Exception {
        Path file = write("""
                hostname = "mx.example.test"
                [policy]
                authserv_id = "Auth.Example.Test"
                dmarc = false
                spf_fail = "reject"
                spf_softfail = "junk"
                dkim_fail = "tag"
                dmarc_reject = "junk"
                dmarc_quarantine = "accept"
                iprev_fail = "reject"
                [dmarc]
                public_suffix_list = "psl.dat"
                """);
        Config config = ConfigLoader.load(file);
        assertThat(config.policy()).isEqualTo(new Config.Policy("auth.example.test", false, Config.Policy.Action.REJECT,
                Config.Policy.Action.JUNK, Config.Policy.Action.TAG, Config.Policy.Action.JUNK,
                Config.Policy.Action.ACCEPT, Config.Policy.Action.REJECT));
        assertThat(config.dmarc().publicSuffixList()).contains(dir.resolve("psl.dat"));
    }

    @Test
    void policyDefaultsAreSafeAndTheAuthservIdIsTheHostname() throws Exception {
        Config config = ConfigLoader.load(write("hostname = \"mx.example.test\"\n"));
        assertThat(config.policy()).isEqualTo(Config.Policy.defaults("mx.example.test"));
        assertThat(config.policy().authservId()).isEqualTo("mx.example.test");
        assertThat(config.policy().honourDmarc()).isTrue();
        assertThat(config.policy().spfFail()).isEqualTo(Config.Policy.Action.TAG);
        assertThat(config.policy().dkimFail()).isEqualTo(Config.Policy.Action.ACCEPT);
        assertThat(config.policy().dmarcReject()).isEqualTo(Config.Policy.Action.REJECT);
        assertThat(config.policy().dmarcQuarantine()).isEqualTo(Config.Policy.Action.JUNK);
        assertThat(config.policy().iprevFail()).isEqualTo(Config.Policy.Action.ACCEPT);
        assertThat(config.dmarc()).isEqualTo(Config.Dmarc.defaults());
        assertThat(Config.localDefault(dir).policy()).isEqualTo(Config.Policy.defaults("mx.example.test"));
    }

    @Test
    void reportsEveryPolicyProblem() throws Exception {
        Path file = write("""
                hostname = "mx.example.test"
                [policy]
                authserv_id = "mx example; spf=pass"
                dmarc = "yes"
                spf_fail = "REJECT"
                dkim_fail = "drop"
                iprev_fail = 1
                quarantine = "junk"
                [dmarc]
                public_suffix_list = ""
                refresh = true
                """);
        assertThatThrownBy(() -> ConfigLoader.load(file))
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .anyMatch(p -> p.contains("policy.authserv_id:") && p.contains("not a valid"))
                        .anyMatch(p -> p.contains("policy.dmarc: must be true or false"))
                        .anyMatch(p -> p.contains("policy.spf_fail: \"REJECT\" is not one of accept, tag, junk, reject"))
                        .anyMatch(p -> p.contains("policy.dkim_fail: \"drop\" is not one of"))
                        .anyMatch(p -> p.contains("policy.iprev_fail: must be a non-empty string"))
                        .anyMatch(p -> p.contains("policy.quarantine: unknown key"))
                        .anyMatch(p -> p.contains("dmarc.public_suffix_list: must be a non-empty string"))
                        .anyMatch(p -> p.contains("dmarc.refresh: unknown key"))
                        .hasSize(8));
    }

    @Test
    void trustAnchorsAreAFileRelativeToTheConfiguration() throws Exception {
        Config config = ConfigLoader.load(write("""
                hostname = "mx.example.test"
                data_dir = "d"
                [delivery]
                remote_port = 2526
                trust_anchors = "tls/private-ca.pem"
                """));
        assertThat(config.delivery().remotePort()).isEqualTo(2526);
        assertThat(config.delivery().trustAnchors()).contains(dir.resolve("tls/private-ca.pem"));
    }

    @Test
    void withoutTrustAnchorsMxHostsAreCheckedAgainstTheSystemTrust() throws Exception {
        Config config = ConfigLoader.load(write("hostname = \"mx.example.test\"\ndata_dir = \"d\"\n"));
        assertThat(config.delivery().trustAnchors()).isEmpty();
        assertThat(Config.Delivery.defaults().trustAnchors()).isEmpty();
    }

    @Test
    void readsTheDefenceTable() throws Exception {
        Path file = write("""
                [defence]
                max_connections = 500
                max_connections_per_ip = 5
                connection_rate_per_ip = 30
                auth_failures = 4
                auth_failure_window = 300
                ban_time = 60
                ban_time_max = 3600
                allow_networks = ["10.0.0.0/8", "2001:db8::/32", "192.0.2.7"]
                """);
        assertThat(ConfigLoader.load(file).defence()).isEqualTo(new Config.Defence(500, 5, 30, 4,
                Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofHours(1),
                java.util.List.of("10.0.0.0/8", "2001:db8:0:0:0:0:0:0/32", "192.0.2.7/32")));
    }

    @Test
    void defenceDefaultsKeepLoopbackOffTheBanList() throws Exception {
        Config.Defence defence = ConfigLoader.load(write("hostname = \"mx.example.test\"\n")).defence();
        assertThat(defence).isEqualTo(Config.Defence.defaults());
        assertThat(defence.allowNetworks()).containsExactly("127.0.0.0/8", "::1/128");
        assertThat(defence.authFailures()).isEqualTo(10);
        assertThat(Config.localDefault(dir).defence()).isEqualTo(Config.Defence.defaults());
    }

    @Test
    void aLongFirstBanRaisesTheDefaultMaximum() throws Exception {
        Config.Defence defence = ConfigLoader.load(write("[defence]\nban_time = 1209600\n")).defence();
        assertThat(defence.banTimeMax()).isEqualTo(Duration.ofDays(14));
    }

    @Test
    void reportsEveryDefenceProblem() throws Exception {
        Path file = write("""
                [defence]
                max_connections = 0
                max_connections_per_ip = "ten"
                connection_rate_per_ip = -1
                auth_failures = 1.5
                auth_failure_window = 0
                ban_time = 600
                ban_time_max = 60
                allow_networks = ["10.0.0.0/33", "localhost", 7, "::1/129"]
                ban_forever = true
                """);
        assertThatThrownBy(() -> ConfigLoader.load(file))
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .anyMatch(p -> p.contains("defence.max_connections: 0 is out of range"))
                        .anyMatch(p -> p.contains("defence.max_connections_per_ip: must be a whole number"))
                        .anyMatch(p -> p.contains("defence.connection_rate_per_ip: -1 is out of range"))
                        .anyMatch(p -> p.contains("defence.auth_failures: must be a whole number"))
                        .anyMatch(p -> p.contains("defence.auth_failure_window: 0 is out of range"))
                        .anyMatch(p -> p.contains("defence.ban_time_max: must not be shorter than defence.ban_time"))
                        .anyMatch(p -> p.contains("defence.allow_networks: \"10.0.0.0/33\": bad prefix length"))
                        .anyMatch(p -> p.contains("defence.allow_networks: \"localhost\" is not an IP address"))
                        .anyMatch(p -> p.contains("defence.allow_networks: 7 is not a string"))
                        .anyMatch(p -> p.contains("defence.allow_networks: \"::1/129\": bad prefix length"))
                        .anyMatch(p -> p.contains("defence.ban_forever: unknown key"))
                        .hasSize(11));
    }

    @Test
    void allowNetworksMustBeAList() throws Exception {
        Path file = write("[defence]\nallow_networks = \"127.0.0.0/8\"\n");
        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessageContaining("defence.allow_networks: must be a list");
    }
}
