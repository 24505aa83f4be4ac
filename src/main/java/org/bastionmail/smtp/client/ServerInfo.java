package org.bastionmail.smtp.client;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the server said about itself: its greeting and, after EHLO, its service extensions
 * (RFC 5321 4.1.1.1: keyword and parameters per line), keywords in upper case.
 *
 * @param esmtp false when the server only understood HELO: no extension is then available
 */
public record ServerInfo(SmtpReply greeting, boolean esmtp, Map<String, String> extensions) {

    public ServerInfo {
        extensions = Map.copyOf(extensions);
    }

    public boolean supports(String keyword) {
        return extensions.containsKey(keyword.toUpperCase(Locale.ROOT));
    }

    /** The parameters after a keyword ("PLAIN LOGIN" for AUTH), empty when it has none or is absent. */
    public Optional<String> parameters(String keyword) {
        return Optional.ofNullable(extensions.get(keyword.toUpperCase(Locale.ROOT))).filter(p -> !p.isEmpty());
    }

    /** RFC 1870 4: the fixed maximum message size; absent or 0 means no limit announced. */
    public OptionalLong sizeLimit() {
        if (!supports("SIZE")) {
            return OptionalLong.empty();
        }
        String value = parameters("SIZE").orElse("0").trim();
        if (!value.matches("[0-9]{1,18}")) {
            return OptionalLong.empty();
        }
        long limit = Long.parseLong(value);
        return limit == 0 ? OptionalLong.empty() : OptionalLong.of(limit);
    }
}
