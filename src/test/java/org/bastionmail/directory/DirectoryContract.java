package org.bastionmail.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.bastionmail.config.Config;
import org.bastionmail.directory.Directory.Resolution;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.sasl.SaslMechanism;
import org.bastionmail.sasl.SaslMechanisms;
import org.bastionmail.sasl.SaslStep;
import org.bastionmail.sasl.ScramTestClient;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Directory} must do, whatever stores it. A backend's test implements
 * {@link #open}; every call in one test opens the same storage, like the server and the CLI do.
 */
public interface DirectoryContract {

    /** Opens a directory on this test's storage; the implementation closes it after the test. */
    Directory open(Config config);

    default Config config() {
        return Config.localDefault(Path.of("unused"));
    }

    default Config configWithPostmaster(MailAddress postmaster) {
        Config c = config();
        return new Config(c.source(), c.hostname(), c.dataDir(), c.domains(), Optional.of(postmaster), c.listen(),
                c.tls(), c.limits(), c.dns(), c.policy(), c.dmarc(), c.delivery(),
                c.defence(), c.mtaSts(), c.antivirus());
    }

    default Directory directory() {
        return open(config());
    }

    private static MailAddress a(String address) {
        return MailAddress.parse(address);
    }

    private static byte[] pw(String password) {
        return password.getBytes(StandardCharsets.UTF_8);
    }

    private static Resolution deliver(List<String> accounts, List<MailAddress> forwards) {
        return new Resolution.Deliver(accounts, forwards);
    }

    // ---- domains ----

    @Test
    default void configuredAndAddedDomainsAreLocal() {
        Directory d = directory();
        assertThat(d.isLocalDomain("example.test")).isTrue();
        assertThat(d.isLocalDomain("EXAMPLE.TEST")).isTrue();
        assertThat(d.isLocalDomain("other.test")).isFalse();
        d.addDomain("Other.Test");
        assertThat(d.isLocalDomain("other.test")).isTrue();
        assertThat(d.domains()).containsExactly("example.test", "other.test");
    }

    @Test
    default void domainAdministrationRefusesMistakes() {
        Directory d = directory();
        assertThatThrownBy(() -> d.deleteDomain("example.test")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("configuration");
        assertThatThrownBy(() -> d.addDomain("example.test")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.deleteDomain("nowhere.test")).isInstanceOf(IllegalArgumentException.class);
        for (String bad : List.of("", "a..b", "-a.test", "a b.test", "a%b.test", "[127.0.0.1]", "x".repeat(64) + ".test")) {
            assertThatThrownBy(() -> d.addDomain(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        d.addDomain("other.test");
        assertThatThrownBy(() -> d.addDomain("other.test")).isInstanceOf(IllegalArgumentException.class);
        d.addUser(a("bob@other.test"), "pw".toCharArray());
        assertThatThrownBy(() -> d.deleteDomain("other.test")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("user");
        d.deleteUser(a("bob@other.test"));
        d.deleteDomain("other.test");
        assertThat(d.isLocalDomain("other.test")).isFalse();
        assertThat(d.resolve(a("bob@other.test"))).isEqualTo(new Resolution.NotLocal());
    }

    // ---- users and passwords ----

    @Test
    default void passwordsVerify() {
        Directory d = directory();
        d.addUser(a("Alice@Example.test"), "correct horse".toCharArray());
        assertThat(d.users()).contains("alice@example.test");
        assertThat(d.verifyPassword("alice@example.test", pw("correct horse"))).hasValue("alice@example.test");
        assertThat(d.verifyPassword("ALICE@example.TEST", pw("correct horse"))).hasValue("alice@example.test");
        assertThat(d.verifyPassword("alice@example.test", pw("correct horsE"))).isEmpty();
        assertThat(d.verifyPassword("alice@example.test", pw(""))).isEmpty();
        assertThat(d.verifyPassword("nobody@example.test", pw("correct horse"))).isEmpty();
        assertThat(d.verifyPassword("alice", pw("correct horse"))).isEmpty();
        assertThat(d.verifyPassword("x".repeat(10_000), pw("correct horse"))).isEmpty();
    }

    @Test
    default void nonAsciiPasswordsWork() {
        Directory d = directory();
        d.addUser(a("zoe@example.test"), "pässwörd ✓".toCharArray());
        assertThat(d.verifyPassword("zoe@example.test", pw("pässwörd ✓"))).hasValue("zoe@example.test");
        assertThat(d.verifyPassword("zoe@example.test", pw("passwort"))).isEmpty();
    }

    @Test
    default void setPasswordReplacesTheOldOne() {
        Directory d = directory();
        d.addUser(a("alice@example.test"), "old".toCharArray());
        d.setPassword(a("alice@example.test"), "new".toCharArray());
        assertThat(d.verifyPassword("alice@example.test", pw("old"))).isEmpty();
        assertThat(d.verifyPassword("alice@example.test", pw("new"))).hasValue("alice@example.test");
        assertThatThrownBy(() -> d.setPassword(a("nobody@example.test"), "x".toCharArray()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.setPassword(a("alice@example.test"), new char[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    default void addUserRefusesMistakes() {
        Directory d = directory();
        d.addUser(a("alice@example.test"), "pw".toCharArray());
        assertThatThrownBy(() -> d.addUser(a("bob@elsewhere.test"), "pw".toCharArray()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not local");
        assertThatThrownBy(() -> d.addUser(a("ALICE@example.test"), "pw".toCharArray()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exists");
        assertThatThrownBy(() -> d.addUser(a("bob@example.test"), new char[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> d.addUser(a("bob@example.test"), "p\u0000w".toCharArray()))
                .isInstanceOf(IllegalArgumentException.class);
        d.addAlias(a("team@example.test"), List.of(a("alice@example.test")));
        assertThatThrownBy(() -> d.addUser(a("team@example.test"), "pw".toCharArray()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("alias");
        for (String bad : List.of("a%b@example.test", "a!b@example.test", "@x:a@example.test")) {
            assertThatThrownBy(() -> d.addUser(a(bad), "pw".toCharArray())).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(d.users()).doesNotContain("bob@example.test");
    }

    @Test
    default void deleteUser() {
        Directory d = directory();
        d.addUser(a("alice@example.test"), "pw".toCharArray());
        d.deleteUser(a("Alice@example.test"));
        assertThat(d.verifyPassword("alice@example.test", pw("pw"))).isEmpty();
        assertThat(d.resolve(a("alice@example.test"))).isEqualTo(new Resolution.UnknownUser());
        assertThatThrownBy(() -> d.deleteUser(a("alice@example.test"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    default void quotas() {
        Directory d = directory();
        long standard = config().limits().mailboxQuota();
        d.addUser(a("alice@example.test"), "pw".toCharArray());
        assertThat(d.quota("alice@example.test")).isEqualTo(standard);
        d.setQuota(a("alice@example.test"), 5_000);
        assertThat(d.quota("Alice@example.test")).isEqualTo(5_000);
        d.setQuota(a("alice@example.test"), 0);
        assertThat(d.quota("alice@example.test")).isEqualTo(standard);
        assertThatThrownBy(() -> d.setQuota(a("alice@example.test"), -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.setQuota(a("nobody@example.test"), 1)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- resolution ----

    @Test
    default void resolvesUsers() {
        Directory d = directory();
        d.addUser(a("alice@example.test"), "pw".toCharArray());
        Resolution alice = deliver(List.of("alice@example.test"), List.of());
        assertThat(d.resolve(a("alice@example.test"))).isEqualTo(alice);
        assertThat(d.resolve(a("ALICE@Example.Test"))).isEqualTo(alice);
        assertThat(d.resolve(a("bob@example.test"))).isEqualTo(new Resolution.UnknownUser());
        assertThat(d.resolve(a("alice@elsewhere.test"))).isEqualTo(new Resolution.NotLocal());
    }

    @Test
    default void plusAddressing() {
        Directory d = directory();
        d.addUser(a("alice@example.test"), "pw".toCharArray());
        d.addUser(a("alice+work@example.test"), "pw".toCharArray());
        assertThat(d.resolve(a("alice+news@example.test"))).isEqualTo(deliver(List.of("alice@example.test"), List.of()));
        assertThat(d.resolve(a("alice+a+b@example.test"))).isEqualTo(deliver(List.of("alice@example.test"), List.of()));
        assertThat(d.resolve(a("alice+work@example.test")))
                .isEqualTo(deliver(List.of("alice+work@example.test"), List.of()));
        assertThat(d.resolve(a("+news@example.test"))).isEqualTo(new Resolution.UnknownUser());
        assertThat(d.resolve(a("bob+news@example.test"))).isEqualTo(new Resolution.UnknownUser());
    }

    @Test
    default void relayTricksNeverMatch() {
        Directory d = directory();
        d.addUser(a("alice@example.test"), "pw".toCharArray());
        for (String trick : List.of("alice%elsewhere.test", "elsewhere.test!alice", "alice@elsewhere.test",
                "@elsewhere.test:alice", "alice+x%y")) {
            assertThat(d.resolve(new MailAddress(trick, "example.test"))).as(trick)
                    .isEqualTo(new Resolution.UnknownUser());
        }
    }

    @Test
    default void postmasterAlwaysResolves() {
        Directory d = directory();
        Resolution postmaster = deliver(List.of("postmaster@example.test"), List.of());
        assertThat(d.resolve(a("postmaster@example.test"))).isEqualTo(postmaster);
        assertThat(d.resolve(a("PostMaster@EXAMPLE.test"))).isEqualTo(postmaster);
        d.addDomain("other.test");
        assertThat(d.resolve(a("postmaster@other.test"))).isEqualTo(postmaster);
        assertThat(d.resolve(a("postmaster@elsewhere.test"))).isEqualTo(new Resolution.NotLocal());
        // The automatic account receives mail but cannot log in.
        assertThat(d.users()).contains("postmaster@example.test");
        assertThat(d.verifyPassword("postmaster@example.test", pw(""))).isEmpty();
        assertThat(d.verifyPassword("postmaster@example.test", pw("x"))).isEmpty();
        assertThat(d.scramCredentials("postmaster@example.test")).isEmpty();
    }

    @Test
    default void postmasterResolvesEvenAfterItsAccountIsDeleted() {
        Directory d = directory();
        d.deleteUser(a("postmaster@example.test"));
        assertThat(d.resolve(a("postmaster@example.test")))
                .isEqualTo(deliver(List.of("postmaster@example.test"), List.of()));
    }

    @Test
    default void postmasterCanBeAnAliasOrAConfiguredAccount() {
        Directory d = directory();
        d.addUser(a("alice@example.test"), "pw".toCharArray());
        d.deleteUser(a("postmaster@example.test"));
        d.addAlias(a("postmaster@example.test"), List.of(a("alice@example.test")));
        assertThat(d.resolve(a("postmaster@example.test")))
                .isEqualTo(deliver(List.of("alice@example.test"), List.of()));

        Directory configured = open(configWithPostmaster(a("Admin@Example.test")));
        configured.addUser(a("admin@example.test"), "pw".toCharArray());
        assertThat(configured.resolve(a("postmaster@example.test")))
                .isEqualTo(deliver(List.of("admin@example.test"), List.of()));

        Directory outside = open(configWithPostmaster(a("hostmaster@provider.test")));
        assertThat(outside.resolve(a("postmaster@example.test")))
                .isEqualTo(deliver(List.of(), List.of(a("hostmaster@provider.test"))));
    }

    @Test
    default void aliasesExpand() {
        Directory d = directory();
        d.addUser(a("alice@example.test"), "pw".toCharArray());
        d.addUser(a("bob@example.test"), "pw".toCharArray());
        d.addAlias(a("devs@example.test"), List.of(a("alice@example.test"), a("Bob@example.test")));
        d.addAlias(a("all@example.test"), List.of(a("devs@example.test"), a("alice@example.test"),
                a("Carol@Partner.test")));
        assertThat(d.resolve(a("devs@example.test")))
                .isEqualTo(deliver(List.of("alice@example.test", "bob@example.test"), List.of()));
        Resolution all = d.resolve(a("ALL@example.test"));
        assertThat(all).isInstanceOfSatisfying(Resolution.Deliver.class, deliver -> {
            assertThat(deliver.accounts()).containsExactlyInAnyOrder("alice@example.test", "bob@example.test");
            assertThat(deliver.forwards()).containsExactly(a("Carol@partner.test"));
        });
        assertThat(d.resolve(a("all+tag@example.test"))).isEqualTo(all);
        assertThat(d.aliases()).contains("devs@example.test -> alice@example.test, bob@example.test");
        d.deleteAlias(a("devs@example.test"));
        assertThat(d.resolve(a("devs@example.test"))).isEqualTo(new Resolution.UnknownUser());
        assertThatThrownBy(() -> d.deleteAlias(a("devs@example.test"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    default void addingTargetsToAnExistingAlias() {
        Directory d = directory();
        d.addUser(a("alice@example.test"), "pw".toCharArray());
        d.addUser(a("bob@example.test"), "pw".toCharArray());
        d.addAlias(a("team@example.test"), List.of(a("alice@example.test")));
        d.addAlias(a("team@example.test"), List.of(a("bob@example.test"), a("alice@example.test")));
        assertThat(d.aliases()).containsExactly("team@example.test -> alice@example.test, bob@example.test");
    }

    @Test
    default void aliasLoopsAreRefused() {
        Directory d = directory();
        d.addUser(a("alice@example.test"), "pw".toCharArray());
        d.addAlias(a("a@example.test"), List.of(a("alice@example.test")));
        d.addAlias(a("b@example.test"), List.of(a("a@example.test")));
        d.addAlias(a("c@example.test"), List.of(a("b@example.test")));
        assertThatThrownBy(() -> d.addAlias(a("a@example.test"), List.of(a("c@example.test"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loop");
        assertThatThrownBy(() -> d.addAlias(a("self@example.test"), List.of(a("Self@example.test"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loop");
        // Through plus-addressing too: d -> a+x resolves to a.
        d.addAlias(a("d@example.test"), List.of(a("a+x@example.test")));
        assertThatThrownBy(() -> d.addAlias(a("a@example.test"), List.of(a("d@example.test"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loop");
        assertThat(d.resolve(a("c@example.test"))).isEqualTo(deliver(List.of("alice@example.test"), List.of()));
    }

    @Test
    default void diamondsAreNotLoops() {
        Directory d = directory();
        d.addUser(a("alice@example.test"), "pw".toCharArray());
        d.addAlias(a("left@example.test"), List.of(a("alice@example.test")));
        d.addAlias(a("right@example.test"), List.of(a("alice@example.test")));
        d.addAlias(a("top@example.test"), List.of(a("left@example.test"), a("right@example.test")));
        assertThat(d.resolve(a("top@example.test"))).isEqualTo(deliver(List.of("alice@example.test"), List.of()));
    }

    @Test
    default void deepAliasChainsAreRefused() {
        Directory d = directory();
        d.addUser(a("alice@example.test"), "pw".toCharArray());
        String previous = "alice@example.test";
        IllegalArgumentException refused = null;
        for (int i = 0; i < 30 && refused == null; i++) {
            String next = "level" + i + "@example.test";
            try {
                d.addAlias(a(next), List.of(a(previous)));
            } catch (IllegalArgumentException e) {
                refused = e;
            }
            previous = next;
        }
        assertThat(refused).isNotNull().hasMessageContaining("deep");
    }

    @Test
    default void addAliasRefusesMistakes() {
        Directory d = directory();
        d.addUser(a("alice@example.test"), "pw".toCharArray());
        assertThatThrownBy(() -> d.addAlias(a("alice@example.test"), List.of(a("bob@partner.test"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("user");
        assertThatThrownBy(() -> d.addAlias(a("team@elsewhere.test"), List.of(a("alice@example.test"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not local");
        assertThatThrownBy(() -> d.addAlias(a("team@example.test"), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.addAlias(a("team@example.test"), List.of(a("typo@example.test"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("neither");
        assertThatThrownBy(() -> d.addAlias(a("team@example.test"), List.of(a("x%y@partner.test"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.addAlias(a("t%m@example.test"), List.of(a("alice@example.test"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(d.aliases()).isEmpty();
    }

    @Test
    default void mayUseOwnAddressesOnly() {
        Directory d = directory();
        d.addUser(a("alice@example.test"), "pw".toCharArray());
        d.addUser(a("bob@example.test"), "pw".toCharArray());
        d.addAlias(a("devs@example.test"), List.of(a("alice@example.test")));
        d.addAlias(a("sales@example.test"), List.of(a("bob@example.test"), a("out@partner.test")));
        assertThat(d.mayUseAddress("alice@example.test", a("alice@example.test"))).isTrue();
        assertThat(d.mayUseAddress("Alice@Example.test", a("ALICE@example.test"))).isTrue();
        assertThat(d.mayUseAddress("alice@example.test", a("alice+lists@example.test"))).isTrue();
        assertThat(d.mayUseAddress("alice@example.test", a("devs@example.test"))).isTrue();
        assertThat(d.mayUseAddress("alice@example.test", a("sales@example.test"))).isFalse();
        assertThat(d.mayUseAddress("alice@example.test", a("bob@example.test"))).isFalse();
        assertThat(d.mayUseAddress("alice@example.test", a("bob+x@example.test"))).isFalse();
        assertThat(d.mayUseAddress("alice@example.test", a("alice@elsewhere.test"))).isFalse();
        assertThat(d.mayUseAddress("alice@example.test", a("out@partner.test"))).isFalse();
        assertThat(d.mayUseAddress("alice@example.test", new MailAddress("alice%x", "example.test"))).isFalse();
        assertThat(d.mayUseAddress("bob@example.test", a("sales@example.test"))).isTrue();
    }

    // ---- another process ----

    @Test
    default void changesByAnotherInstanceAreSeenAtOnce() {
        Directory server = directory();
        Directory cli = directory();
        assertThat(server.resolve(a("alice@example.test"))).isEqualTo(new Resolution.UnknownUser());
        cli.addDomain("other.test");
        cli.addUser(a("alice@example.test"), "pw".toCharArray());
        cli.addAlias(a("team@other.test"), List.of(a("alice@example.test")));
        assertThat(server.isLocalDomain("other.test")).isTrue();
        assertThat(server.verifyPassword("alice@example.test", pw("pw"))).hasValue("alice@example.test");
        assertThat(server.resolve(a("team@other.test"))).isEqualTo(deliver(List.of("alice@example.test"), List.of()));
        cli.setPassword(a("alice@example.test"), "new".toCharArray());
        assertThat(server.verifyPassword("alice@example.test", pw("pw"))).isEmpty();
        cli.deleteAlias(a("team@other.test"));
        cli.deleteUser(a("alice@example.test"));
        assertThat(server.resolve(a("alice@example.test"))).isEqualTo(new Resolution.UnknownUser());
        assertThat(server.resolve(a("team@other.test"))).isEqualTo(new Resolution.UnknownUser());
        assertThat(server.verifyPassword("alice@example.test", pw("new"))).isEmpty();
    }

    @Test
    default void worksFromVirtualThreads() throws Exception {
        Directory d = directory();
        d.addUser(a("alice@example.test"), "pw".toCharArray());
        java.util.concurrent.atomic.AtomicReference<Object> seen = new java.util.concurrent.atomic.AtomicReference<>();
        Thread t = Thread.ofVirtual().start(() -> seen.set(List.of(d.resolve(a("alice@example.test")),
                d.verifyPassword("alice@example.test", pw("pw")))));
        t.join();
        assertThat(seen.get()).isEqualTo(List.of(deliver(List.of("alice@example.test"), List.of()),
                Optional.of("alice@example.test")));
        Thread failing = Thread.ofVirtual().start(() -> seen.set(catchThrowable(
                () -> d.addUser(a("alice@example.test"), "pw".toCharArray()))));
        failing.join();
        assertThat(seen.get()).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- SASL end to end ----

    @Test
    default void scramEndToEnd() {
        Directory d = directory();
        d.addUser(a("alice@example.test"), "correct horse".toCharArray());
        assertThat(d.scramCredentials("ALICE@example.test")).hasValueSatisfying(c -> {
            assertThat(c.account()).isEqualTo("alice@example.test");
            assertThat(c.iterations()).isGreaterThanOrEqualTo(4096);
            assertThat(c.salt()).hasSizeGreaterThanOrEqualTo(16);
        });
        assertThat(d.scramCredentials("nobody@example.test")).isEmpty();

        ScramTestClient client = new ScramTestClient("Alice@example.test", "correct horse", "clientnonce");
        SaslMechanism scram = SaslMechanisms.create("SCRAM-SHA-256", d).orElseThrow();
        SaslStep first = scram.start(Optional.of(client.clientFirst()));
        SaslStep last = scram.next(client.clientFinal(((SaslStep.Challenge) first).data()));
        assertThat(last).isInstanceOfSatisfying(SaslStep.Success.class, s -> {
            assertThat(s.account()).isEqualTo("alice@example.test");
            assertThat(s.additionalData()).isEqualTo(client.expectedServerFinal());
        });

        ScramTestClient wrong = new ScramTestClient("alice@example.test", "wrong horse", "clientnonce");
        SaslMechanism again = SaslMechanisms.create("SCRAM-SHA-256", d).orElseThrow();
        SaslStep challenge = again.start(Optional.of(wrong.clientFirst()));
        assertThat(again.next(wrong.clientFinal(((SaslStep.Challenge) challenge).data())))
                .isInstanceOf(SaslStep.Failure.class);
    }

    @Test
    default void scramAfterPasswordChange() {
        Directory d = directory();
        d.addUser(a("alice@example.test"), "old".toCharArray());
        d.setPassword(a("alice@example.test"), "new".toCharArray());
        for (String password : List.of("old", "new")) {
            ScramTestClient client = new ScramTestClient("alice@example.test", password, "n0nce");
            SaslMechanism scram = SaslMechanisms.create("SCRAM-SHA-256", d).orElseThrow();
            SaslStep first = scram.start(Optional.of(client.clientFirst()));
            SaslStep last = scram.next(client.clientFinal(((SaslStep.Challenge) first).data()));
            assertThat(last instanceof SaslStep.Success).as(password).isEqualTo(password.equals("new"));
        }
    }

    @Test
    default void plainEndToEnd() {
        Directory d = directory();
        d.addUser(a("alice@example.test"), "s3cret".toCharArray());
        SaslMechanism plain = SaslMechanisms.create("PLAIN", d).orElseThrow();
        assertThat(plain.start(Optional.of(pw("\0alice@example.test\0s3cret"))))
                .isInstanceOfSatisfying(SaslStep.Success.class, s -> assertThat(s.account()).isEqualTo("alice@example.test"));
        SaslMechanism wrong = SaslMechanisms.create("PLAIN", d).orElseThrow();
        assertThat(wrong.start(Optional.of(pw("\0alice@example.test\0S3cret")))).isInstanceOf(SaslStep.Failure.class);
    }
}
