package org.bastionmail.imap;

import java.io.IOException;

/** RFC 2971 ID: we read the client's list and say nothing about ourselves (no software version). */
final class IdCommand {
    private static final int MAX_ITEMS = 60;

    private IdCommand() {
    }

    static String run(ImapSession session, ImapArgs args) throws IOException, ImapArgs.Syntax {
        args.sp();
        if (args.atString() || args.peek() != '(') {
            args.nstring();
        } else {
            args.expect('(');
            int n = 0;
            while (!args.tryChar(')')) {
                if (n++ > 0) {
                    args.sp();
                }
                args.nstring();
                if (n > MAX_ITEMS) {
                    throw new ImapArgs.Syntax("ID list too long");
                }
            }
        }
        args.end();
        session.untagged("ID NIL");
        return "ID completed";
    }
}
