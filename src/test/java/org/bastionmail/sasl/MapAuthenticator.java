package org.bastionmail.sasl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** An in-memory authenticator for mechanism tests; records the passwords it was asked about. */
final class MapAuthenticator implements Authenticator {
    private final Map<String, String> passwords = new HashMap<>();
    private final Map<String, ScramCredentials> scram = new HashMap<>();
    final List<String> lookups = new ArrayList<>();

    MapAuthenticator withUser(String account, String password) {
        passwords.put(account, password);
        scram.put(account, ScramKeys.derive(account, password.toCharArray()));
        return this;
    }

    MapAuthenticator withScram(ScramCredentials credentials) {
        scram.put(credentials.account(), credentials);
        return this;
    }

    @Override
    public Optional<String> verifyPassword(String username, byte[] password) {
        String account = username.toLowerCase(Locale.ROOT);
        lookups.add(account);
        String expected = passwords.getOrDefault(account, "\0never");
        boolean ok = MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), password);
        return ok && passwords.containsKey(account) ? Optional.of(account) : Optional.empty();
    }

    @Override
    public Optional<ScramCredentials> scramCredentials(String username) {
        lookups.add(username.toLowerCase(Locale.ROOT));
        return Optional.ofNullable(scram.get(username.toLowerCase(Locale.ROOT)));
    }
}
