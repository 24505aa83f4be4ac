package org.bastionmail.spf;

/** A record, term or macro string that breaks the grammar of RFC 7208: the check gives permerror (RFC 7208 4.6). */
final class SpfSyntaxException extends Exception {
    SpfSyntaxException(String message) {
        super(message);
    }
}
