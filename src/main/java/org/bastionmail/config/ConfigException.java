package org.bastionmail.config;

import java.util.List;

/** A configuration that Bastion refuses to run with; each problem names the file, the key and why. */
public final class ConfigException extends Exception {
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join(System.lineSeparator(), problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
