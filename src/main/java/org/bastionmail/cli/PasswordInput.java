package org.bastionmail.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Reads a new password from stdin or the terminal; never from an argument, where {@code ps} would show it. */
final class PasswordInput {
    private PasswordInput() {}

    static char[] read(boolean fromStdin) {
        if (fromStdin) {
            try {
                BufferedReader reader = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                String line = reader.readLine();
                if (line == null || line.isEmpty()) {
                    throw new IllegalArgumentException("no password on standard input");
                }
                return line.toCharArray();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the password from standard input: " + e.getMessage());
            }
        }
        Console console = System.console();
        if (console == null) {
            throw new IllegalArgumentException("no terminal to ask for the password: use --password-stdin");
        }
        char[] first = console.readPassword("New password: ");
        char[] second = console.readPassword("Repeat it: ");
        if (first == null || second == null || !Arrays.equals(first, second)) {
            throw new IllegalArgumentException("the passwords do not match");
        }
        Arrays.fill(second, '\0');
        if (first.length == 0) {
            throw new IllegalArgumentException("the password is empty");
        }
        return first;
    }
}
