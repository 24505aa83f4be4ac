package org.bastionmail.directory;

import java.util.List;
import java.util.Set;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.sasl.Authenticator;

/**
 * Domains, users and aliases: who Bastion receives mail for, and who may log in and send as whom.
 *
 * <p>Implementations must see changes made by another process (the CLI) while the server runs.
 */
public interface Directory extends Authenticator, AutoCloseable {

    /** Whether mail for {@code domain} is delivered here (configured or added domains). */
    boolean isLocalDomain(String domain);

    /**
     * Where mail for {@code address} goes. {@code postmaster@} every local domain always resolves
     * (RFC 5321 4.5.1).
     */
    Resolution resolve(MailAddress address);

    /** Whether {@code account} may use {@code address} as envelope sender or From: (its own, or an alias of it). */
    boolean mayUseAddress(String account, MailAddress address);

    /** The outcome of {@link #resolve}. */
    sealed interface Resolution {
        /** A local domain and a known recipient: these accounts and these forwarding targets get it. */
        record Deliver(List<String> accounts, List<MailAddress> forwards) implements Resolution {}

        /** A local domain, but nobody by that name (550 5.1.1). */
        record UnknownUser() implements Resolution {}

        /** Not a local domain: relaying. */
        record NotLocal() implements Resolution {}
    }

    // Administration, used by the CLI. Errors are IllegalArgumentException with a message for the user.

    void addDomain(String domain);

    void deleteDomain(String domain);

    Set<String> domains();

    /** Adds a user whose account name is its address; the password is hashed, never stored. */
    void addUser(MailAddress address, char[] password);

    void setPassword(MailAddress address, char[] password);

    /** Sets the user's storage quota in bytes; 0 means the configured default. */
    void setQuota(MailAddress address, long bytes);

    /** The user's quota in bytes (the configured default unless set). */
    long quota(String account);

    void deleteUser(MailAddress address);

    List<String> users();

    void addAlias(MailAddress alias, List<MailAddress> targets);

    void deleteAlias(MailAddress alias);

    /** Each alias with its targets, as "alias -> t1, t2". */
    List<String> aliases();

    @Override
    void close();
}
