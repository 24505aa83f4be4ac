package org.bastionmail.net;

/** What a listener speaks, for the one line a refused connection gets before it is closed. */
public enum Protocol {
    // RFC 5321 3.8, 4.2.5: 421 closes the connection; RFC 3463 4.7.0: a security or policy reason
    SMTP("421 4.7.0 Too many connections from your address", "421 4.7.0 Your address is temporarily banned"),
    // RFC 9051 7.1.5: an untagged BYE at greeting time refuses the connection
    IMAP("* BYE Too many connections", "* BYE Your address is temporarily banned"),
    // RFC 3206 5: SYS/TEMP, a temporary problem on the server's side the client may retry later
    POP3("-ERR [SYS/TEMP] Too many connections", "-ERR [SYS/TEMP] Your address is temporarily banned");

    private final String tooMany;
    private final String banned;

    Protocol(String tooMany, String banned) {
        this.tooMany = tooMany;
        this.banned = banned;
    }

    /** The refusal line, without CRLF. */
    public String refusal(boolean ban) {
        return ban ? banned : tooMany;
    }
}
