package org.bastionmail.audit;

import java.util.List;

/** The human form of a report: findings by severity with evidence and fix, then the grade. */
public final class ReportText {
    private static final String RESET = "\u001b[0m";
    private static final String DIM = "\u001b[2m";

    private ReportText() {}

    /** {@code colour}: ANSI colours, only when writing to a terminal. */
    public static String render(AuditReport report, boolean colour) {
        StringBuilder out = new StringBuilder();
        out.append("Audit of ").append(report.target()).append("\n\n");
        for (Finding f : report.findings()) {
            String tag = "[" + f.severity().label().toUpperCase(java.util.Locale.ROOT) + "]";
            out.append(colour ? colourOf(f.severity()) + tag + RESET : tag).append(' ').append(f.title())
                    .append("  (").append(f.id()).append(", ").append(f.subject()).append(")\n");
            if (!f.evidence().isEmpty()) {
                for (String line : f.evidence().split("\n")) {
                    out.append(colour ? DIM : "").append("    | ").append(line).append(colour ? RESET : "").append('\n');
                }
            }
            if (!f.fix().isEmpty()) {
                out.append("    fix: ").append(f.fix()).append('\n');
            }
            out.append('\n');
        }
        List<String> errors = report.errors();
        if (!errors.isEmpty()) {
            out.append("Not checked (errors):\n");
            errors.forEach(e -> out.append("  - ").append(e).append('\n'));
            out.append('\n');
        }
        long counted = report.findings().stream().filter(f -> f.severity() != Severity.INFO).count();
        out.append("Grade: ").append(report.grade().label()).append("  (").append(counted).append(" finding")
                .append(counted == 1 ? "" : "s").append(" above info)\n");
        return out.toString();
    }

    private static String colourOf(Severity severity) {
        return switch (severity) {
            case CRITICAL -> "\u001b[1;35m";
            case HIGH -> "\u001b[1;31m";
            case MEDIUM -> "\u001b[33m";
            case LOW -> "\u001b[36m";
            case INFO -> "\u001b[32m";
        };
    }
}
