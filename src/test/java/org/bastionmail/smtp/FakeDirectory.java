package org.bastionmail.smtp;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bastionmail.directory.Directory;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.sasl.ScramCredentials;

/** Local domain example.test with alice, bob and postmaster; alice also owns sales@example.test. */
final class FakeDirectory implements Directory {
    static final Set<String> USERS = Set.of("alice@example.test", "bob@example.test", "postmaster@example.test");
    static final Map<String, Set<String>> OWNS = Map.of(
            "alice@example.test", Set.of("alice@example.test", "sales@example.test"),
            "bob@example.test", Set.of("bob@example.test"));

    @Override
    public boolean isLocalDomain(String domain) {
        return domain.equals("example.test");
    }

    @Override
    public Resolution resolve(MailAddress address) {
        if (!isLocalDomain(address.domain())) {
            return new Resolution.NotLocal();
        }
        String key = address.canonical();
        return USERS.contains(key) ? new Resolution.Deliver(List.of(key), List.of()) : new Resolution.UnknownUser();
    }

    @Override
    public boolean mayUseAddress(String account, MailAddress address) {
        return OWNS.getOrDefault(account, Set.of()).contains(address.canonical());
    }

    @Override
    public Optional<String> verifyPassword(String username, byte[] password) {
        return USERS.contains(username) && new String(password, StandardCharsets.UTF_8).equals("secret")
                ? Optional.of(username) : Optional.empty();
    }

    @Override
    public Optional<ScramCredentials> scramCredentials(String username) {
        return Optional.empty();
    }

    @Override public void addDomain(String domain) { throw new UnsupportedOperationException(); }
    @Override public void deleteDomain(String domain) { throw new UnsupportedOperationException(); }
    @Override public Set<String> domains() { return Set.of("example.test"); }
    @Override public void addUser(MailAddress address, char[] password) { throw new UnsupportedOperationException(); }
    @Override public void setPassword(MailAddress address, char[] password) { throw new UnsupportedOperationException(); }
    @Override public void setQuota(MailAddress address, long bytes) { throw new UnsupportedOperationException(); }
    @Override public long quota(String account) { return 0; }
    @Override public void deleteUser(MailAddress address) { throw new UnsupportedOperationException(); }
    @Override public List<String> users() { return List.copyOf(USERS); }
    @Override public void addAlias(MailAddress alias, List<MailAddress> targets) { throw new UnsupportedOperationException(); }
    @Override public void deleteAlias(MailAddress alias) { throw new UnsupportedOperationException(); }
    @Override public List<String> aliases() { return List.of(); }
    @Override public void close() {}
}
