package org.bastionmail.config;

import java.util.Locale;
import java.util.regex.Pattern;

/** Syntax of host and domain names as Bastion accepts them in configuration (RFC 1123 2.1, UTF-8 labels allowed). */
public final class DomainNames {
    private static final Pattern LABEL = Pattern.compile("[\\p{L}\\p{N}]([\\p{L}\\p{N}-]{0,61}[\\p{L}\\p{N}])?");

    private DomainNames() {}

    public static boolean isValid(String name) {
        if (name == null || name.isEmpty() || name.length() > 253 || name.endsWith(".")) {
            return false;
        }
        for (String label : name.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    public static String normalise(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
