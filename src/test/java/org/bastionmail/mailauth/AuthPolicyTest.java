package org.bastionmail.mailauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bastionmail.mailauth.Results.dkim;
import static org.bastionmail.mailauth.Results.dmarc;
import static org.bastionmail.mailauth.Results.dmarcFail;
import static org.bastionmail.mailauth.Results.dmarcPass;
import static org.bastionmail.mailauth.Results.findings;
import static org.bastionmail.mailauth.Results.iprev;
import static org.bastionmail.mailauth.Results.spf;

import java.util.List;
import java.util.Optional;
import org.bastionmail.config.Config;
import org.bastionmail.dkim.DkimResult;
import org.bastionmail.dkim.DkimVerdict;
import org.bastionmail.dmarc.DmarcRecord;
import org.bastionmail.dmarc.DmarcResult;
import org.bastionmail.iprev.IprevVerdict;
import org.bastionmail.mailauth.AuthPolicy.Action;
import org.bastionmail.spf.SpfVerdict;
import org.junit.jupiter.api.Test;

class AuthPolicyTest {
    private final AuthPolicy defaults = AuthPolicy.defaults();
    private static final List<DkimResult> NO_DKIM = List.of(Results.noDkim());

    private static AuthPolicy strict() {
        return new AuthPolicy(Action.REJECT, Action.JUNK, Action.REJECT, Action.REJECT, Action.JUNK, Action.REJECT, true);
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        assertThat(defaults).isEqualTo(new AuthPolicy(Action.TAG, Action.TAG, Action.ACCEPT, Action.REJECT, Action.JUNK,
                Action.ACCEPT, true));
        Config.Policy configured = new Config.Policy("mx", false, Config.Policy.Action.REJECT, Config.Policy.Action.JUNK,
                Config.Policy.Action.TAG, Config.Policy.Action.ACCEPT, Config.Policy.Action.TAG, Config.Policy.Action.JUNK);
        assertThat(AuthPolicy.of(configured)).isEqualTo(new AuthPolicy(Action.REJECT, Action.JUNK, Action.TAG,
                Action.ACCEPT, Action.TAG, Action.JUNK, false));
    }

    @Test
    void genuineMailIsAcceptedWithoutTags() {
        Decision d = defaults.decide(findings(spf(SpfVerdict.PASS, "a@example.com"), List.of(dkim(DkimVerdict.PASS, "example.com")),
                Optional.of(dmarcPass("example.com", DmarcRecord.Policy.REJECT)), Optional.of(iprev(IprevVerdict.PASS))));
        assertThat(d).isEqualTo(new Decision.Accept(false, List.of()));
    }

    @Test
    void dmarcRejectIs550And571() {
        Decision d = defaults.decide(findings(spf(SpfVerdict.FAIL, "a@example.com"), NO_DKIM,
                Optional.of(dmarcFail("example.com", DmarcRecord.Policy.REJECT)), Optional.empty()));
        assertThat(d).isInstanceOfSatisfying(Decision.Reject.class, r -> {
            assertThat(r.code()).isEqualTo("550");
            assertThat(r.enhanced()).isEqualTo("5.7.1");
            assertThat(r.text()).contains("example.com");
        });
    }

    @Test
    void dmarcQuarantineGoesToJunkAndSpfFailIsTagged() {
        Decision d = defaults.decide(findings(spf(SpfVerdict.FAIL, "a@example.com"), NO_DKIM,
                Optional.of(dmarcFail("example.com", DmarcRecord.Policy.QUARANTINE)), Optional.empty()));
        assertThat(d).isEqualTo(new Decision.Accept(true, List.of("dmarc=fail", "spf=fail")));
    }

    @Test
    void dmarcIsOnlyRecordedWhenNotHonoured() {
        AuthPolicy ignoring = new AuthPolicy(Action.TAG, Action.TAG, Action.ACCEPT, Action.REJECT, Action.JUNK, Action.ACCEPT, false);
        Decision d = ignoring.decide(findings(spf(SpfVerdict.NEUTRAL, "a@example.com"), NO_DKIM,
                Optional.of(dmarcFail("example.com", DmarcRecord.Policy.REJECT)), Optional.empty()));
        assertThat(d).isEqualTo(new Decision.Accept(false, List.of()));
        assertThat(ignoring.decide(findings(spf(SpfVerdict.NEUTRAL, "a@example.com"), NO_DKIM,
                Optional.of(dmarc(DmarcResult.Verdict.TEMPERROR, "example.com")), Optional.empty())))
                .isInstanceOf(Decision.Accept.class);
    }

    @Test
    void aFailingSignatureIsLikeNoneByDefaultAndAPassElsewhereWins() {
        assertThat(defaults.decide(findings(spf(SpfVerdict.NONE, "a@example.com"), List.of(dkim(DkimVerdict.FAIL, "example.com")),
                Optional.empty(), Optional.empty()))).isEqualTo(new Decision.Accept(false, List.of()));
        AuthPolicy rejectDkim = new AuthPolicy(Action.TAG, Action.TAG, Action.REJECT, Action.REJECT, Action.JUNK, Action.ACCEPT, true);
        assertThat(rejectDkim.decide(findings(spf(SpfVerdict.NONE, "a@example.com"),
                List.of(dkim(DkimVerdict.FAIL, "list.example"), dkim(DkimVerdict.PASS, "example.com")), Optional.empty(),
                Optional.empty()))).isInstanceOf(Decision.Accept.class);
        assertThat(rejectDkim.decide(findings(spf(SpfVerdict.NONE, "a@example.com"), List.of(dkim(DkimVerdict.FAIL, "example.com")),
                Optional.empty(), Optional.empty()))).isEqualTo(new Decision.Reject("550", "5.7.20", "no passing DKIM signature found"));
        DkimResult testing = new DkimResult(DkimVerdict.FAIL, "example.com", "s", "rsa-sha256", "@example.com",
                Optional.of("bad"), false, true);
        assertThat(rejectDkim.decide(findings(spf(SpfVerdict.NONE, "a@example.com"), List.of(testing), Optional.empty(),
                Optional.empty()))).isInstanceOf(Decision.Accept.class);
    }

    @Test
    void dmarcTemperrorWithoutAnAlignedPassIsATemporaryFailure() {
        Decision d = defaults.decide(findings(spf(SpfVerdict.PASS, "a@spoofer.example"), NO_DKIM,
                Optional.of(dmarc(DmarcResult.Verdict.TEMPERROR, "example.com")), Optional.empty()));
        assertThat(d).isInstanceOfSatisfying(Decision.TempFail.class, t -> {
            assertThat(t.code()).isEqualTo("451");
            assertThat(t.enhanced()).isEqualTo("4.7.0");
        });
    }

    @Test
    void dmarcTemperrorWithAPassForTheFromDomainItselfIsAccepted() {
        assertThat(defaults.decide(findings(spf(SpfVerdict.PASS, "a@Example.com"), NO_DKIM,
                Optional.of(dmarc(DmarcResult.Verdict.TEMPERROR, "example.com")), Optional.empty())))
                .isEqualTo(new Decision.Accept(false, List.of()));
        assertThat(defaults.decide(findings(spf(SpfVerdict.FAIL, "a@other.example"), List.of(dkim(DkimVerdict.PASS, "example.com.")),
                Optional.of(dmarc(DmarcResult.Verdict.TEMPERROR, "example.com")), Optional.empty())))
                .isEqualTo(new Decision.Accept(false, List.of("spf=fail")));
    }

    @Test
    void dmarcTemperrorIsOnlyTaggedWhenDmarcNeverRejects() {
        AuthPolicy mild = new AuthPolicy(Action.TAG, Action.TAG, Action.ACCEPT, Action.JUNK, Action.JUNK, Action.ACCEPT, true);
        assertThat(mild.decide(findings(spf(SpfVerdict.NONE, "a@spoofer.example"), NO_DKIM,
                Optional.of(dmarc(DmarcResult.Verdict.TEMPERROR, "example.com")), Optional.empty())))
                .isEqualTo(new Decision.Accept(false, List.of("dmarc=temperror")));
    }

    @Test
    void anSpfTemperrorThatCouldHaveAlignedTurnsADmarcRejectInto451() {
        Decision d = defaults.decide(findings(spf(SpfVerdict.TEMPERROR, "a@example.com"), NO_DKIM,
                Optional.of(dmarcFail("example.com", DmarcRecord.Policy.REJECT)), Optional.empty()));
        assertThat(d).isInstanceOfSatisfying(Decision.TempFail.class, t -> assertThat(t.enhanced()).isEqualTo("4.7.24"));
        Decision dkimTemp = defaults.decide(findings(spf(SpfVerdict.FAIL, "a@example.com"),
                List.of(dkim(DkimVerdict.TEMPERROR, "example.com")),
                Optional.of(dmarcFail("example.com", DmarcRecord.Policy.REJECT)), Optional.empty()));
        assertThat(dkimTemp).isInstanceOfSatisfying(Decision.TempFail.class, t -> assertThat(t.enhanced()).isEqualTo("4.7.0"));
    }

    @Test
    void temperrorsOfChecksThatWouldRejectAre451AndNeverPermanent() {
        assertThat(strict().decide(findings(spf(SpfVerdict.TEMPERROR, "a@example.com"), NO_DKIM, Optional.empty(), Optional.empty())))
                .isEqualTo(new Decision.TempFail("451", "4.7.24", "SPF validation error for example.com, try again later"));
        assertThat(strict().decide(findings(spf(SpfVerdict.PASS, "a@example.com"), NO_DKIM, Optional.empty(),
                Optional.of(iprev(IprevVerdict.TEMPERROR))))).isInstanceOfSatisfying(Decision.TempFail.class,
                t -> assertThat(t.enhanced()).isEqualTo("4.7.25"));
        // with the defaults nothing rejects on SPF, so an SPF temperror alone is accepted
        assertThat(defaults.decide(findings(spf(SpfVerdict.TEMPERROR, "a@example.com"), NO_DKIM, Optional.empty(), Optional.empty())))
                .isInstanceOf(Decision.Accept.class);
    }

    @Test
    void aDefiniteRejectWinsOverATemporaryFailure() {
        Decision d = strict().decide(findings(spf(SpfVerdict.FAIL, "a@example.com"), NO_DKIM, Optional.empty(),
                Optional.of(iprev(IprevVerdict.TEMPERROR))));
        assertThat(d).isEqualTo(new Decision.Reject("550", "5.7.23", "SPF validation failed for example.com"));
    }

    @Test
    void configuredActionsForSpfAndIprev() {
        assertThat(strict().decide(findings(spf(SpfVerdict.SOFTFAIL, "a@example.com"), NO_DKIM, Optional.empty(),
                Optional.of(iprev(IprevVerdict.PASS))))).isEqualTo(new Decision.Accept(true, List.of("spf=softfail")));
        assertThat(strict().decide(findings(spf(SpfVerdict.PASS, "a@example.com"), NO_DKIM, Optional.empty(),
                Optional.of(iprev(IprevVerdict.FAIL))))).isInstanceOfSatisfying(Decision.Reject.class,
                r -> assertThat(r.enhanced()).isEqualTo("5.7.25"));
        // no PTR at all (permerror) is not a failure of iprev
        assertThat(strict().decide(findings(spf(SpfVerdict.PASS, "a@example.com"), NO_DKIM, Optional.empty(),
                Optional.of(iprev(IprevVerdict.PERMERROR))))).isInstanceOf(Decision.Accept.class);
    }

    @Test
    void aHeloFailIsOnlyTagged() {
        AuthFindings f = new AuthFindings(spf(SpfVerdict.PASS, "a@example.com"),
                Optional.of(Results.helo(SpfVerdict.FAIL, "mail.example.com")), NO_DKIM, Optional.empty(), Optional.empty(),
                Optional.empty());
        assertThat(strict().decide(f)).isEqualTo(new Decision.Accept(false, List.of("spf-helo=fail")));
    }
}
