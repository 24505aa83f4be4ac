package org.bastionmail.audit;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What an audit found about {@code target}, most severe first.
 *
 * @param errors steps that could not be completed (a host that did not answer, a DNS failure): the report is
 *     incomplete, which the command turns into exit code 2 when nothing could be checked at all
 */
public record AuditReport(String target, List<Finding> findings, List<String> errors) {
    public AuditReport {
        findings = findings.stream()
                .sorted(Comparator.comparing(Finding::severity).reversed().thenComparing(Finding::id))
                .toList();
        errors = List.copyOf(errors);
    }

    public Grade grade() {
        return Grade.of(findings);
    }

    /** Whether a finding reaches {@code threshold}; an empty threshold never fails. */
    public boolean fails(Optional<Severity> threshold) {
        return threshold.isPresent() && findings.stream().anyMatch(f -> f.severity().atLeast(threshold.get()));
    }

    public List<Finding> withId(String id) {
        return findings.stream().filter(f -> f.id().equals(id)).toList();
    }
}
