package org.bastionmail.tlsrpt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The "policies" element of RFC 8460 4.3 to and from JSON. The recorder stores its counts in the same
 * shape as the report, so a stored day reads like the report it will become.
 */
final class ReportJson {
    static final ObjectMapper JSON = new ObjectMapper();

    private ReportJson() {}

    static ObjectNode write(PolicyResult result) {
        ObjectNode node = JSON.createObjectNode();
        ObjectNode policy = node.putObject("policy");
        TlsPolicy p = result.policy();
        policy.put("policy-type", p.type().token());
        strings(policy.putArray("policy-string"), p.policyString());
        policy.put("policy-domain", p.policyDomain());
        if (!p.mxHosts().isEmpty()) {
            strings(policy.putArray("mx-host"), p.mxHosts());
        }
        ObjectNode summary = node.putObject("summary");
        summary.put("total-successful-session-count", result.successes());
        summary.put("total-failure-session-count", result.failures());
        if (!result.failureDetails().isEmpty()) {
            ArrayNode details = node.putArray("failure-details");
            for (PolicyResult.FailureCount count : result.failureDetails()) {
                FailureDetail d = count.detail();
                ObjectNode detail = details.addObject();
                detail.put("result-type", d.resultType().token());
                d.sendingMtaIp().ifPresent(ip -> detail.put("sending-mta-ip", ip.getHostAddress()));
                d.receivingMxHostname().ifPresent(h -> detail.put("receiving-mx-hostname", h));
                d.receivingMxHelo().ifPresent(h -> detail.put("receiving-mx-helo", h));
                d.receivingIp().ifPresent(ip -> detail.put("receiving-ip", ip.getHostAddress()));
                detail.put("failed-session-count", count.sessions());
                d.additionalInformation().ifPresent(s -> detail.put("additional-information", s));
                d.failureReasonCode().ifPresent(s -> detail.put("failure-reason-code", s));
            }
        }
        return node;
    }

    static PolicyResult read(JsonNode node) {
        JsonNode policy = node.path("policy");
        TlsPolicy p = new TlsPolicy(PolicyType.fromToken(policy.path("policy-type").asText()),
                strings(policy.path("policy-string")), text(policy, "policy-domain"), strings(policy.path("mx-host")));
        JsonNode summary = node.path("summary");
        List<PolicyResult.FailureCount> details = new ArrayList<>();
        for (JsonNode d : node.path("failure-details")) {
            FailureDetail detail = new FailureDetail(ResultType.fromToken(text(d, "result-type")),
                    optional(d, "sending-mta-ip").map(ReportJson::address), optional(d, "receiving-mx-hostname"),
                    optional(d, "receiving-mx-helo"), optional(d, "receiving-ip").map(ReportJson::address),
                    optional(d, "additional-information"), optional(d, "failure-reason-code"));
            details.add(new PolicyResult.FailureCount(detail, d.path("failed-session-count").asLong()));
        }
        return new PolicyResult(p, summary.path("total-successful-session-count").asLong(),
                summary.path("total-failure-session-count").asLong(), details);
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("missing " + field);
        }
        return value.asText();
    }

    private static Optional<String> optional(JsonNode node, String field) {
        return Optional.ofNullable(node.get(field)).filter(JsonNode::isTextual).map(JsonNode::asText);
    }

    /** Only literals are stored, so this never queries DNS. */
    private static InetAddress address(String literal) {
        return InetAddress.ofLiteral(literal);
    }

}
