package org.bastionmail.spf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.bastionmail.dns.DnsResolver.MxRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The openspf.org RFC 7208 test suite (release 2014.04, as published with pyspf), run unchanged: one dynamic
 * test per scenario, its zone data served by {@link ZoneResolver}. "DEFAULT" in the suite is the default
 * explanation, as in the suite's reference driver.
 */
class Rfc7208SuiteTest {
    private static final String SUITE = "rfc7208-tests.yml";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private static final AtomicInteger total = new AtomicInteger();
    private static final AtomicInteger passed = new AtomicInteger();

    @TestFactory
    Stream<DynamicNode> suite() throws IOException {
        List<DynamicNode> sections = new ArrayList<>();
        try (InputStream in = Rfc7208SuiteTest.class.getResourceAsStream(SUITE);
             Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
            for (Object document : yaml.loadAll(reader)) {
                sections.add(section(map(document)));
            }
        }
        assertThat(total.get()).isGreaterThan(100);
        return sections.stream();
    }

    @AfterAll
    static void report() {
        System.out.println("SPF suite: " + passed.get() + "/" + total.get() + " passed");
    }

    private DynamicContainer section(Map<String, Object> document) {
        ZoneResolver zone = zone(map(document.get("zonedata")));
        SpfVerifier verifier = new SpfVerifier(zone, CLOCK,
                SpfSettings.defaults("receiver.example.org").withDefaultExplanation("DEFAULT"));
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, Object> test : map(document.get("tests")).entrySet()) {
            Map<String, Object> scenario = map(test.getValue());
            total.incrementAndGet();
            tests.add(DynamicTest.dynamicTest(test.getKey(), () -> run(verifier, scenario)));
        }
        return DynamicContainer.dynamicContainer(String.valueOf(document.get("description")), tests);
    }

    private static void run(SpfVerifier verifier, Map<String, Object> scenario) throws IOException {
        InetAddress host = InetAddress.ofLiteral(String.valueOf(scenario.get("host")));
        SpfResult result = verifier.checkMailFrom(host, String.valueOf(scenario.get("mailfrom")),
                String.valueOf(scenario.get("helo")));
        Object expected = scenario.get("result");
        List<String> accepted = expected instanceof List<?> list ? list.stream().map(String::valueOf).toList()
                : List.of(String.valueOf(expected));
        String why = result.reason() + "; lookups " + result.lookups();
        assertThat(result.verdict().label()).as(why).isIn(accepted);
        if (scenario.containsKey("explanation")) {
            assertThat(result.explanation()).as(why).isEqualTo(Optional.of(String.valueOf(scenario.get("explanation"))));
        }
        passed.incrementAndGet();
    }

    /** Builds the zone as the suite's README says: SPF entries are served as TXT unless the name has TXT entries. */
    private static ZoneResolver zone(Map<String, Object> zonedata) {
        ZoneResolver zone = new ZoneResolver();
        for (Map.Entry<String, Object> name : zonedata.entrySet()) {
            List<?> entries = (List<?>) name.getValue();
            boolean hasTxt = entries.stream().anyMatch(e -> e instanceof Map<?, ?> m && m.containsKey("TXT"));
            List<String> spf = new ArrayList<>();
            for (Object entry : entries) {
                if ("TIMEOUT".equals(entry)) {
                    zone.timeout(name.getKey());
                    continue;
                }
                for (Map.Entry<String, Object> record : map(entry).entrySet()) {
                    String type = record.getKey();
                    Object value = record.getValue();
                    switch (type) {
                        case "SPF" -> spf.add(text(value));
                        case "TXT" -> {
                            if (!"NONE".equals(value)) {
                                zone.add(name.getKey(), "TXT", text(value));
                            }
                        }
                        case "MX" -> {
                            List<?> mx = (List<?>) value;
                            zone.add(name.getKey(), "MX", new MxRecord(((Number) mx.get(0)).intValue(),
                                    String.valueOf(mx.get(1))));
                        }
                        case "A", "AAAA", "PTR", "CNAME" -> zone.add(name.getKey(), type, String.valueOf(value));
                        default -> throw new IllegalArgumentException("unknown record type " + type);
                    }
                }
            }
            if (!hasTxt) {
                spf.forEach(text -> zone.add(name.getKey(), "TXT", text));
            }
        }
        return zone;
    }

    /** A TXT record is one string or a list of character-strings, concatenated (RFC 7208 3.3). */
    private static String text(Object value) {
        if (value instanceof List<?> strings) {
            return String.join("", strings.stream().map(String::valueOf).toList());
        }
        return String.valueOf(value);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }
}
