package org.bastionmail.imap;

/** A reply that ends a command: the status (NO or BAD), and the text after it. */
final class Reply extends Exception {
    final String status;

    Reply(String status, String text) {
        super(text, null, false, false);
        this.status = status;
    }

    static Reply no(String text) {
        return new Reply("NO", text);
    }

    static Reply bad(String text) {
        return new Reply("BAD", text);
    }
}
