package org.bastionmail.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.bastionmail.dns.testserver.StaticResolver;
import org.junit.jupiter.api.Test;

class DmarcVerifierTest {
    private final StaticResolver dns = new StaticResolver();
    private int nextRandom = 0;
    private final RandomGenerator random = new RandomGenerator() {
        @Override
        public long nextLong() {
            return nextRandom;
        }

        @Override
        public int nextInt(int bound) {
            return nextRandom;
        }
    };
    private final DmarcVerifier verifier = new DmarcVerifier(dns, PublicSuffixList.bundled(), random);

    private DmarcResult check(String from, String spfDomain, boolean spfPass, String... dkimDomains) {
        return verifier.verify(new DmarcInput(from, Optional.ofNullable(spfDomain), spfPass, List.of(dkimDomains)));
    }

    @Test
    void alignedDkimPasses() {
        dns.txt("_dmarc.example.com", "v=DMARC1; p=reject");
        DmarcResult result = check("example.com", "bounce.other.net", true, "mail.example.com");
        assertThat(result.verdict()).isEqualTo(DmarcResult.Verdict.PASS);
        assertThat(result.dkimAligned()).isTrue();
        assertThat(result.spfAligned()).isFalse();
        assertThat(result.disposition()).isEqualTo(DmarcRecord.Policy.NONE);
    }

    @Test
    void relaxedSpfAlignmentUsesTheOrganizationalDomain() {
        dns.txt("_dmarc.example.co.uk", "v=DMARC1; p=reject");
        assertThat(check("example.co.uk", "bounces.example.co.uk", true).verdict()).isEqualTo(DmarcResult.Verdict.PASS);
        // same public suffix, different organisation: not aligned
        assertThat(check("example.co.uk", "attacker.co.uk", true).verdict()).isEqualTo(DmarcResult.Verdict.FAIL);
    }

    @Test
    void strictAlignmentNeedsTheExactDomain() {
        dns.txt("_dmarc.example.com", "v=DMARC1; p=quarantine; adkim=s; aspf=s");
        DmarcResult result = check("example.com", "bounces.example.com", true, "mail.example.com");
        assertThat(result.verdict()).isEqualTo(DmarcResult.Verdict.FAIL);
        assertThat(result.disposition()).isEqualTo(DmarcRecord.Policy.QUARANTINE);
        assertThat(check("example.com", "example.com", true).verdict()).isEqualTo(DmarcResult.Verdict.PASS);
    }

    @Test
    void anSpfPassThatDidNotPassDoesNotAlign() {
        dns.txt("_dmarc.example.com", "v=DMARC1; p=reject");
        DmarcResult result = check("example.com", "example.com", false);
        assertThat(result.verdict()).isEqualTo(DmarcResult.Verdict.FAIL);
        assertThat(result.disposition()).isEqualTo(DmarcRecord.Policy.REJECT);
    }

    @Test
    void subdomainsFallBackToTheOrganizationalRecordAndItsSubdomainPolicy() {
        dns.txt("_dmarc.example.com", "v=DMARC1; p=reject; sp=quarantine");
        DmarcResult result = check("news.example.com", "evil.test", true);
        assertThat(dns.asked()).containsExactly("_dmarc.news.example.com", "_dmarc.example.com");
        assertThat(result.policyDomain()).isEqualTo("example.com");
        assertThat(result.disposition()).isEqualTo(DmarcRecord.Policy.QUARANTINE);
    }

    @Test
    void aSubdomainsOwnRecordWins() {
        dns.txt("_dmarc.example.com", "v=DMARC1; p=reject");
        dns.txt("_dmarc.news.example.com", "v=DMARC1; p=none");
        DmarcResult result = check("news.example.com", "evil.test", true);
        assertThat(result.policyDomain()).isEqualTo("news.example.com");
        assertThat(result.disposition()).isEqualTo(DmarcRecord.Policy.NONE);
        assertThat(result.verdict()).isEqualTo(DmarcResult.Verdict.FAIL);
    }

    @Test
    void noRecordIsNone() {
        dns.txt("_dmarc.example.com", "v=spf1 -all");
        assertThat(check("example.com", "evil.test", false).verdict()).isEqualTo(DmarcResult.Verdict.NONE);
    }

    @Test
    void twoRecordsAreNoPolicy() {
        dns.txt("_dmarc.example.com", "v=DMARC1; p=reject", "v=DMARC1; p=none");
        DmarcResult result = check("example.com", "evil.test", false);
        assertThat(result.verdict()).isEqualTo(DmarcResult.Verdict.PERMERROR);
        assertThat(result.disposition()).isEqualTo(DmarcRecord.Policy.NONE);
    }

    @Test
    void dnsFailureIsATemporaryError() {
        dns.failing("_dmarc.example.com");
        assertThat(check("example.com", "evil.test", false).verdict()).isEqualTo(DmarcResult.Verdict.TEMPERROR);
    }

    @Test
    void pctSamplingWeakensThePolicyOutsideTheSample() {
        dns.txt("_dmarc.example.com", "v=DMARC1; p=reject; pct=20");
        nextRandom = 19;
        assertThat(check("example.com", "evil.test", false).disposition()).isEqualTo(DmarcRecord.Policy.REJECT);
        nextRandom = 20;
        assertThat(check("example.com", "evil.test", false).disposition()).isEqualTo(DmarcRecord.Policy.QUARANTINE);
        dns.txt("_dmarc.example.com", "v=DMARC1; p=quarantine; pct=0");
        nextRandom = 0;
        assertThat(check("example.com", "evil.test", false).disposition()).isEqualTo(DmarcRecord.Policy.NONE);
    }
}
