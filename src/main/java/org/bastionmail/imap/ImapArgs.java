package org.bastionmail.imap;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A cursor over one command as sent (literals included), with a reader for each kind of token of the
 * RFC 9051 9 grammar. Every reader throws {@link Syntax} on anything unexpected; the session answers BAD.
 */
final class ImapArgs {
    private final byte[] wire;
    private int pos;

    /** The command does not follow the grammar; the message goes into the BAD reply. */
    static final class Syntax extends Exception {
        Syntax(String message) {
            super(message, null, false, false);
        }
    }

    ImapArgs(byte[] wire) {
        this.wire = wire;
    }

    /** RFC 9051 9 tag = 1*<any ASTRING-CHAR except "+">. */
    static boolean isTag(String tag) {
        if (tag.isEmpty() || tag.length() > 64) {
            return false;
        }
        for (int i = 0; i < tag.length(); i++) {
            char c = tag.charAt(i);
            if (c == '+' || !isAstringChar(c)) {
                return false;
            }
        }
        return true;
    }

    /** RFC 9051 9 ATOM-CHAR: any CHAR except atom-specials. */
    static boolean isAtomChar(int c) {
        return c > 0x20 && c < 0x7f && "(){%*\"\\]".indexOf(c) < 0;
    }

    static boolean isAstringChar(int c) {
        return isAtomChar(c) || c == ']';
    }

    boolean atEnd() {
        return pos >= wire.length;
    }

    /** Fails unless the whole command was read. */
    void end() throws Syntax {
        if (!atEnd()) {
            throw new Syntax("Unexpected characters at the end of the command");
        }
    }

    int peek() {
        return atEnd() ? -1 : wire[pos] & 0xff;
    }

    /** Whether the next bytes are {@code word}, compared case-insensitively (ASCII). */
    boolean lookingAt(String word) {
        if (wire.length - pos < word.length()) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if (Character.toUpperCase((char) (wire[pos + i] & 0xff)) != Character.toUpperCase(word.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    boolean tryChar(char c) {
        if (peek() == c) {
            pos++;
            return true;
        }
        return false;
    }

    void expect(char c) throws Syntax {
        if (!tryChar(c)) {
            throw new Syntax("Expected '" + c + "'");
        }
    }

    void sp() throws Syntax {
        expect(' ');
    }

    /** Consumes a space if there is one. */
    boolean trySp() {
        return tryChar(' ');
    }

    String tag() throws Syntax {
        String tag = chars(ImapArgs::isAstringChar);
        if (!isTag(tag)) {
            throw new Syntax("Invalid tag");
        }
        return tag;
    }

    String atom() throws Syntax {
        String atom = chars(ImapArgs::isAtomChar);
        if (atom.isEmpty()) {
            throw new Syntax("Expected an atom");
        }
        return atom;
    }

    /** Characters while {@code allowed}; possibly none. */
    String chars(java.util.function.IntPredicate allowed) {
        int start = pos;
        while (!atEnd() && allowed.test(wire[pos] & 0xff)) {
            pos++;
        }
        return new String(wire, start, pos - start, StandardCharsets.US_ASCII);
    }

    long number() throws Syntax {
        String digits = chars(c -> c >= '0' && c <= '9');
        if (digits.isEmpty() || digits.length() > 19) {
            throw new Syntax("Expected a number");
        }
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new Syntax("Number too large");
        }
    }

    /** RFC 9051 9 nz-number; UIDs and sequence numbers are 32-bit. */
    long nzNumber32() throws Syntax {
        long n = number();
        if (n <= 0 || n > 0xFFFF_FFFFL) {
            throw new Syntax("Expected a number from 1 to 4294967295");
        }
        return n;
    }

    /** astring = 1*ASTRING-CHAR / string, as UTF-8 text. */
    String astring() throws Syntax {
        int c = peek();
        if (c == '"' || c == '{' || c == '~') {
            return utf8(string());
        }
        String atom = chars(ImapArgs::isAstringChar);
        if (atom.isEmpty()) {
            throw new Syntax("Expected an atom or a string");
        }
        return atom;
    }

    /** string = quoted / literal (and literal8 "~{n}", RFC 3516), as bytes. */
    byte[] string() throws Syntax {
        int c = peek();
        if (c == '"') {
            return quoted();
        }
        if (c == '~') {
            pos++;
        }
        if (peek() == '{') {
            return literal();
        }
        throw new Syntax("Expected a string");
    }

    boolean atString() {
        int c = peek();
        return c == '"' || c == '{' || c == '~';
    }

    /** nstring = string / NIL. */
    String nstring() throws Syntax {
        if (atString()) {
            return utf8(string());
        }
        String atom = atom();
        if (!atom.equalsIgnoreCase("NIL")) {
            throw new Syntax("Expected a string or NIL");
        }
        return null;
    }

    private byte[] quoted() throws Syntax {
        expect('"');
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        while (true) {
            if (atEnd()) {
                throw new Syntax("Unterminated quoted string");
            }
            int c = wire[pos++] & 0xff;
            if (c == '"') {
                return out.toByteArray();
            }
            if (c == '\\') {
                if (atEnd()) {
                    throw new Syntax("Unterminated quoted string");
                }
                c = wire[pos++] & 0xff;
                if (c != '"' && c != '\\') {
                    throw new Syntax("Only \\\" and \\\\ may be escaped in a quoted string");
                }
            } else if (c == '\r' || c == '\n' || c == 0) {
                throw new Syntax("Quoted strings hold no CR, LF or NUL");
            }
            out.write(c);
        }
    }

    private byte[] literal() throws Syntax {
        expect('{');
        long size = number();
        tryChar('+');
        expect('}');
        expect('\r');
        expect('\n');
        if (size > wire.length - pos) {
            throw new Syntax("Literal shorter than announced");
        }
        byte[] bytes = java.util.Arrays.copyOfRange(wire, pos, pos + (int) size);
        pos += (int) size;
        return bytes;
    }

    /** A parenthesized list of atoms, e.g. flags {@code (\Seen $Junk)}. */
    List<String> atomList() throws Syntax {
        expect('(');
        List<String> atoms = new ArrayList<>();
        while (!tryChar(')')) {
            if (!atoms.isEmpty()) {
                sp();
            }
            if (tryChar('\\')) {
                atoms.add("\\" + atom());
            } else {
                atoms.add(atom());
            }
            if (atoms.size() > 1000) {
                throw new Syntax("List too long");
            }
        }
        return atoms;
    }

    /** A flag: an atom, possibly preceded by a backslash. */
    String flag() throws Syntax {
        return tryChar('\\') ? "\\" + atom() : atom();
    }

    SequenceSet sequenceSet() throws Syntax {
        return SequenceSet.parse(chars(c -> (c >= '0' && c <= '9') || c == ':' || c == ',' || c == '*' || c == '$'));
    }

    /** Strict UTF-8 (RFC 9051 makes UTF-8 the charset of strings). */
    static String utf8(byte[] bytes) throws Syntax {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new Syntax("Invalid UTF-8");
        }
    }
}
