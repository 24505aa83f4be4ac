package org.bastionmail.smtp;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns one command line (without its CRLF) into a {@link SmtpCommand}. Knows nothing of the session.
 *
 * <p>Verbs are case-insensitive (RFC 5321 2.4). Arguments are checked only for shape here; what they
 * mean (paths, parameters) is for the phase that acts on them.
 */
final class CommandParser {
    private static final Pattern BDAT_SIZE = Pattern.compile("[0-9]{1,18}");
    // RFC 4954 4: mechanism names are 1-20 of upper case letters, digits, "-" and "_"; we fold case.
    private static final Pattern MECHANISM = Pattern.compile("[A-Za-z0-9_-]{1,20}");
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]+={0,2}|=");

    private CommandParser() {}

    static SmtpCommand parse(String line) {
        int space = line.indexOf(' ');
        String verb = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
        String rest = space < 0 ? "" : line.substring(space + 1);
        return switch (verb) {
            case "EHLO" -> domainArgument(rest).<SmtpCommand>map(SmtpCommand.Ehlo::new)
                    .orElse(new SmtpCommand.Malformed(verb));
            case "HELO" -> domainArgument(rest).<SmtpCommand>map(SmtpCommand.Helo::new)
                    .orElse(new SmtpCommand.Malformed(verb));
            case "MAIL" -> pathCommand(rest, "FROM:", verb, SmtpCommand.Mail::new);
            case "RCPT" -> pathCommand(rest, "TO:", verb, SmtpCommand.Rcpt::new);
            case "DATA" -> noArgument(line, verb, new SmtpCommand.Data());
            case "BDAT" -> bdat(rest);
            case "RSET" -> noArgument(line, verb, new SmtpCommand.Rset());
            case "QUIT" -> noArgument(line, verb, new SmtpCommand.Quit());
            case "STARTTLS" -> noArgument(line, verb, new SmtpCommand.StartTls());
            case "NOOP" -> new SmtpCommand.Noop(rest);
            case "VRFY" -> rest.isBlank() ? new SmtpCommand.Malformed(verb) : new SmtpCommand.Vrfy(rest);
            case "EXPN" -> rest.isBlank() ? new SmtpCommand.Malformed(verb) : new SmtpCommand.Expn(rest);
            case "HELP" -> new SmtpCommand.Help(rest);
            case "AUTH" -> auth(rest);
            default -> new SmtpCommand.Unknown(verb);
        };
    }

    private static SmtpCommand noArgument(String line, String verb, SmtpCommand command) {
        return line.length() == verb.length() ? command : new SmtpCommand.Malformed(verb);
    }

    /**
     * RFC 5321 4.1.1.1: EHLO takes a domain or an address literal. We accept what is safe to echo in a
     * Received line: no spaces, no control characters, no comment or header syntax.
     */
    private static Optional<String> domainArgument(String rest) {
        String domain = rest.strip();
        if (domain.isEmpty() || domain.length() > 255) {
            return Optional.empty();
        }
        if (domain.startsWith("[")) {
            return domain.endsWith("]") && domain.chars().allMatch(c -> c > 32 && c < 127
                    && "()<>;\"\\".indexOf(c) < 0) ? Optional.of(domain) : Optional.empty();
        }
        // Letters, digits, '-', '.', and '_' (common in the wild though not in RFC 5321); U-labels (RFC 6531).
        boolean ok = domain.codePoints().allMatch(c -> c >= 0x80 && Character.isLetterOrDigit(c)
                || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_');
        return ok ? Optional.of(domain) : Optional.empty();
    }

    @FunctionalInterface
    private interface PathCommand {
        SmtpCommand of(String path, String params);
    }

    /**
     * {@code MAIL FROM:<path> [params]} (RFC 5321 4.1.1.2). The RFC has no space after the colon; many
     * clients send one, and accepting it is harmless. The path must be in angle brackets.
     */
    private static SmtpCommand pathCommand(String rest, String keyword, String verb, PathCommand factory) {
        if (!rest.regionMatches(true, 0, keyword, 0, keyword.length())) {
            return new SmtpCommand.Malformed(verb);
        }
        String after = rest.substring(keyword.length()).stripLeading();
        if (!after.startsWith("<")) {
            return new SmtpCommand.Malformed(verb);
        }
        int end = closingBracket(after);
        if (end < 0) {
            return new SmtpCommand.Malformed(verb);
        }
        String params = after.substring(end + 1);
        if (!params.isEmpty() && !params.startsWith(" ")) {
            return new SmtpCommand.Malformed(verb);
        }
        return factory.of(after.substring(1, end), params.strip());
    }

    /** The index of the '>' closing the path, skipping quoted strings (a quoted local part may hold '>'). */
    private static int closingBracket(String s) {
        boolean quoted = false;
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '>' && !quoted) {
                return i;
            }
        }
        return -1;
    }

    private static SmtpCommand bdat(String rest) {
        String[] parts = rest.split(" ", -1);
        if (parts.length < 1 || parts.length > 2 || !BDAT_SIZE.matcher(parts[0]).matches()) {
            return new SmtpCommand.Malformed("BDAT");
        }
        boolean last = parts.length == 2;
        if (last && !parts[1].equalsIgnoreCase("LAST")) {
            return new SmtpCommand.Malformed("BDAT");
        }
        return new SmtpCommand.Bdat(Long.parseLong(parts[0]), last);
    }

    private static SmtpCommand auth(String rest) {
        String[] parts = rest.split(" ", -1);
        if (parts.length > 2 || !MECHANISM.matcher(parts[0]).matches()
                || (parts.length == 2 && !BASE64.matcher(parts[1]).matches())) {
            return new SmtpCommand.Malformed("AUTH");
        }
        return new SmtpCommand.Auth(parts[0].toUpperCase(Locale.ROOT),
                parts.length == 2 ? Optional.of(parts[1]) : Optional.empty());
    }
}
