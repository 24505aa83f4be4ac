package org.bastionmail.filter;

/** What a virus scan found. Only {@link Clean} lets a message through unmarked. */
public sealed interface ScanResult {
    /** The scanner looked at the whole message and found nothing. */
    record Clean() implements ScanResult {}

    /** The scanner found a virus; {@code name} is its signature name, printable ASCII without spaces. */
    record Infected(String name) implements ScanResult {}

    /** No verdict: scanner down, timeout, size limit, unexpected reply. Never to be read as clean. */
    record Failed(String reason) implements ScanResult {}
}
