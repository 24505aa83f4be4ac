package org.bastionmail.screening;

/** What screening counts in {@code bastion_screening_total}, by its {@code event} label. */
enum ScreeningEvent {
    PREGREET("pregreet", "client talked before the greeting, refused: {}"),
    PIPELINING("pipelining", "client pipelined commands where RFC 2920 does not allow it: {}"),
    ILLEGAL_COMMAND("illegal_command", "client sent a non-SMTP command: {}"),
    MESSAGE_RATE("message_rate", "message rate limit reached, MAIL deferred: {}"),
    RECIPIENT_RATE("recipient_rate", "recipient rate limit reached, RCPT deferred: {}"),
    DNSBL("dnsbl", "client on DNS block lists, refused: {}"),
    DNSWL("dnswl", "client on a DNS allow list, not screened further: {}"),
    GREYLISTED("greylisted", "greylisted: {}");

    final String label;
    final String logLine;

    ScreeningEvent(String label, String logLine) {
        this.label = label;
        this.logLine = logLine;
    }
}
