package org.bastionmail.smtp;

/** A command refused with a reply; the phases throw it and the session loop sends the reply. */
final class Rejection extends Exception {
    private final transient Reply reply;
    private final boolean clientError;

    Rejection(Reply reply) {
        this(reply, true);
    }

    /** @param clientError whether the reply counts towards the session's error limit */
    Rejection(Reply reply, boolean clientError) {
        super(reply.code() + " " + reply.enhanced() + " " + reply.text(), null, false, false);
        this.reply = reply;
        this.clientError = clientError;
    }

    static Rejection of(ClientChecks.Refusal refusal) {
        return new Rejection(new Reply(refusal.code(), refusal.enhancedCode(), refusal.text()), refusal.clientError());
    }

    boolean clientError() {
        return clientError;
    }

    Reply reply() {
        return reply;
    }
}
