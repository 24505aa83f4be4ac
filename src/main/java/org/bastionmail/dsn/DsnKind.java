package org.bastionmail.dsn;

/** Which event a DSN reports, worst first; a DSN mixing outcomes takes the worst one's kind. */
public enum DsnKind {
    FAILURE("Undelivered Mail Returned to Sender"),
    DELAY("Delayed Mail (still being retried)"),
    SUCCESS("Successful Mail Delivery Report");

    private final String subject;

    DsnKind(String subject) {
        this.subject = subject;
    }

    /** The Subject of the DSN; plain ASCII, so it needs no RFC 2047 encoding. */
    public String subject() {
        return subject;
    }
}
