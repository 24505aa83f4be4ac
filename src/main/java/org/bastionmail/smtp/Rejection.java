package org.bastionmail.smtp;

/** A command refused with a reply; the phases throw it and the session loop sends the reply. */
final class Rejection extends Exception {
    private final transient Reply reply;

    Rejection(Reply reply) {
        super(reply.code() + " " + reply.enhanced() + " " + reply.text(), null, false, false);
        this.reply = reply;
    }

    Reply reply() {
        return reply;
    }
}
