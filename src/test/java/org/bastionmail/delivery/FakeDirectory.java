package org.bastionmail.delivery;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.bastionmail.directory.Directory;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.sasl.ScramCredentials;

/** Just enough of a directory for delivery: local domains, resolutions and quotas set by the test. */
final class FakeDirectory implements Directory {
    final Set<String> localDomains = ConcurrentHashMap.newKeySet();
    final Map<String, Resolution> resolutions = new ConcurrentHashMap<>();
    final Map<String, Long> quotas = new ConcurrentHashMap<>();
    final Set<String> brokenAccounts = ConcurrentHashMap.newKeySet();

    FakeDirectory(String... domains) {
        localDomains.addAll(List.of(domains));
    }

    /** A user whose account name is the address. */
    FakeDirectory user(String address) {
        resolutions.put(address, new Resolution.Deliver(List.of(address), List.of()));
        return this;
    }

    FakeDirectory alias(String address, List<String> accounts, List<String> forwards) {
        resolutions.put(address, new Resolution.Deliver(accounts, forwards.stream().map(MailAddress::parse).toList()));
        return this;
    }

    @Override
    public boolean isLocalDomain(String domain) {
        return localDomains.contains(domain);
    }

    @Override
    public Resolution resolve(MailAddress address) {
        if (!isLocalDomain(address.domain())) {
            return new Resolution.NotLocal();
        }
        return resolutions.getOrDefault(address.canonical(), new Resolution.UnknownUser());
    }

    @Override
    public long quota(String account) {
        if (brokenAccounts.contains(account)) {
            throw new IllegalStateException("directory database is locked");
        }
        return quotas.getOrDefault(account, Long.MAX_VALUE);
    }

    @Override
    public boolean mayUseAddress(String account, MailAddress address) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Optional<String> verifyPassword(String username, byte[] password) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Optional<ScramCredentials> scramCredentials(String username) {
        throw new UnsupportedOperationException();
    }

    @Override public void addDomain(String domain) { throw new UnsupportedOperationException(); }
    @Override public void deleteDomain(String domain) { throw new UnsupportedOperationException(); }
    @Override public Set<String> domains() { return Set.copyOf(localDomains); }
    @Override public void addUser(MailAddress address, char[] password) { throw new UnsupportedOperationException(); }
    @Override public void setPassword(MailAddress address, char[] password) { throw new UnsupportedOperationException(); }
    @Override public void setQuota(MailAddress address, long bytes) { throw new UnsupportedOperationException(); }
    @Override public void deleteUser(MailAddress address) { throw new UnsupportedOperationException(); }
    @Override public List<String> users() { throw new UnsupportedOperationException(); }
    @Override public void addAlias(MailAddress alias, List<MailAddress> targets) { throw new UnsupportedOperationException(); }
    @Override public void deleteAlias(MailAddress alias) { throw new UnsupportedOperationException(); }
    @Override public List<String> aliases() { throw new UnsupportedOperationException(); }
    @Override public void close() {}
}
