package org.bastionmail.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bastionmail.audit.CipherScan.Version;
import org.bastionmail.audit.CipherSuites.Suite;
import org.bastionmail.audit.CipherSuites.Weakness;
import org.junit.jupiter.api.Test;

/** How suites are classified and what the scan's findings are for a given result; the wire side is tested against Bastion, a fake and Postfix. */
class CipherScanTest {
    @Test
    void suitesAreClassifiedByWhatBreaksThem() {
        assertThat(CipherSuites.of(0xC02F).weakness()).isEqualTo(Weakness.NONE);
        assertThat(CipherSuites.of(0xCCA8).weakness()).isEqualTo(Weakness.NONE);
        assertThat(CipherSuites.of(0x1301).tls13()).isTrue();
        assertThat(CipherSuites.of(0xC013).weakness()).isEqualTo(Weakness.CBC);
        assertThat(CipherSuites.of(0x009C).weakness()).isEqualTo(Weakness.NO_FORWARD_SECRECY);
        assertThat(CipherSuites.of(0x002F).weakness()).isEqualTo(Weakness.NO_FORWARD_SECRECY);
        for (int broken : new int[] {0x000A, 0x0005, 0x0004, 0x0003, 0x0001, 0x00A7, 0xC018, 0x0009, 0x0007, 0xC015}) {
            assertThat(CipherSuites.of(broken).weakness()).as(CipherSuites.of(broken).name()).isEqualTo(Weakness.BROKEN);
        }
        assertThat(CipherSuites.of(0xFAFA).name()).isEqualTo("UNKNOWN_0xFAFA");
    }

    static CipherScan.Result result(Map<Version, List<Integer>> codes, boolean complete) {
        Map<Version, List<Suite>> accepted = new EnumMap<>(Version.class);
        List<String> evidence = new java.util.ArrayList<>();
        codes.forEach((v, list) -> {
            accepted.put(v, list.stream().map(CipherSuites::of).toList());
            list.forEach(c -> evidence.add("C: ClientHello " + v.label + " offering 9 suites\nS: ServerHello " + v.label + " "
                    + CipherSuites.of(c).name() + " (" + CipherScan.hex(c) + ")"));
        });
        return new CipherScan.Result(accepted, evidence, complete);
    }

    @Test
    void aModernServerIsQuiet() {
        List<Finding> findings = CipherScan.judge(result(Map.of(Version.TLS12, List.of(0xC02F, 0xCCA8), Version.TLS13, List.of(0x1301)), true), "s");
        assertThat(findings).extracting(Finding::id).containsExactly("tls.ciphers");
        assertThat(findings.getFirst().evidence()).isEqualTo("TLS 1.2: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256\n"
                + "TLS 1.3: TLS_AES_128_GCM_SHA256");
    }

    @Test
    void everyWeaknessFiresWithItsServerHello() {
        List<Finding> findings = CipherScan.judge(result(Map.of(Version.SSL3, List.of(0x000A), Version.TLS10, List.of(0xC013),
                Version.TLS12, List.of(0x0005, 0x009C, 0xC027)), true), "s");
        assertThat(findings).extracting(Finding::id).containsExactlyInAnyOrder("tls.protocol.ssl3", "tls.protocol.tls1.0", "tls.protocol.no-tls1.3",
                "tls.cipher.weak", "tls.cipher.no-forward-secrecy", "tls.cipher.cbc", "tls.ciphers");
        Finding weak = findings.stream().filter(f -> f.id().equals("tls.cipher.weak")).findFirst().orElseThrow();
        assertThat(weak.title()).endsWith("2 suites");
        assertThat(weak.evidence()).contains("S: ServerHello SSL 3.0 TLS_RSA_WITH_3DES_EDE_CBC_SHA (0x000A)", "S: ServerHello TLS 1.2 TLS_RSA_WITH_RC4_128_SHA")
                .doesNotContain("AES_128_GCM");
        assertThat(findings.stream().filter(f -> f.id().equals("tls.protocol.ssl3")).findFirst().orElseThrow().severity()).isEqualTo(Severity.HIGH);
    }

    @Test
    void anIncompleteScanSaysSoAndDoesNotClaimTls13IsMissing() {
        List<Finding> findings = CipherScan.judge(result(Map.of(Version.TLS12, List.of(0xC02F)), false), "s");
        assertThat(findings).extracting(Finding::id).containsExactly("tls.ciphers");
        assertThat(findings.getFirst().evidence()).contains("cut short");
    }

    @Test
    void aServerThatCannotBeReachedGivesNoFindings() {
        assertThat(new CipherScan(Optional::empty, java.time.Duration.ofSeconds(1)).findings("s")).isEmpty();
    }

    @Test
    void theClientHelloIsWellFormed() {
        byte[] hello = CipherScan.clientHello(Version.TLS13, new int[] {0x1301}, Optional.of("mx.example.test"));
        assertThat(hello[0]).isEqualTo((byte) 22);
        int recordLength = ((hello[3] & 0xff) << 8) | (hello[4] & 0xff);
        assertThat(hello).hasSize(5 + recordLength);
        int handshakeLength = ((hello[6] & 0xff) << 16) | ((hello[7] & 0xff) << 8) | (hello[8] & 0xff);
        assertThat(handshakeLength).isEqualTo(recordLength - 4);
        assertThat(new String(hello, java.nio.charset.StandardCharsets.ISO_8859_1)).contains("mx.example.test");
    }
}
