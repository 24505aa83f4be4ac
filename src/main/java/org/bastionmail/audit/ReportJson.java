package org.bastionmail.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON form of a report, for tools: {@code {target, grade, findings: [{id, severity, ...}], errors}}. */
public final class ReportJson {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportJson() {}

    public static String render(AuditReport report) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("target", report.target());
        root.put("grade", report.grade().label());
        List<Map<String, String>> findings = report.findings().stream().map(f -> {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("id", f.id());
            m.put("severity", f.severity().label());
            m.put("subject", f.subject());
            m.put("title", f.title());
            m.put("evidence", f.evidence());
            m.put("fix", f.fix());
            return m;
        }).toList();
        root.put("findings", findings);
        root.put("errors", report.errors());
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a map of strings as JSON", e);
        }
    }
}
