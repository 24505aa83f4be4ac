package org.bastionmail.mailauth;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.bastionmail.dkim.DkimResult;
import org.bastionmail.dkim.DkimVerdict;
import org.bastionmail.dmarc.DmarcRecord;
import org.bastionmail.dmarc.DmarcResult;
import org.bastionmail.iprev.IprevResult;
import org.bastionmail.iprev.IprevVerdict;
import org.bastionmail.spf.SpfIdentity;
import org.bastionmail.spf.SpfResult;
import org.bastionmail.spf.SpfVerdict;

/** Result values as the verifiers make them, for building findings in tests. */
final class Results {
    static final InetAddress CLIENT = InetAddress.ofLiteral("192.0.2.1");

    private Results() {}

    static SpfResult spf(SpfVerdict verdict, String sender) {
        String domain = sender.substring(sender.lastIndexOf('@') + 1);
        return new SpfResult(verdict, Optional.empty(), "reason for " + verdict, verdict == SpfVerdict.PASS
                ? Optional.of("ip4:192.0.2.0/24") : Optional.empty(), List.of(), SpfIdentity.MAILFROM, domain, sender,
                CLIENT, "mail.example.com");
    }

    static SpfResult helo(SpfVerdict verdict, String helo) {
        return new SpfResult(verdict, Optional.empty(), "helo " + verdict, Optional.empty(), List.of(), SpfIdentity.HELO,
                helo, "postmaster@" + helo, CLIENT, helo);
    }

    static DkimResult dkim(DkimVerdict verdict, String domain) {
        return new DkimResult(verdict, domain, "sel", "ed25519-sha256", "@" + domain,
                verdict == DkimVerdict.PASS ? Optional.empty() : Optional.of("signature did not verify"), false, false);
    }

    static DkimResult noDkim() {
        return new DkimResult(DkimVerdict.NONE, "", "", "", "", Optional.empty(), false, false);
    }

    static DmarcRecord record(DmarcRecord.Policy policy) {
        return new DmarcRecord(policy, Optional.empty(), 100, DmarcRecord.Alignment.RELAXED,
                DmarcRecord.Alignment.RELAXED, List.of(), List.of(), 86400);
    }

    static DmarcResult dmarcPass(String domain, DmarcRecord.Policy policy) {
        return new DmarcResult(DmarcResult.Verdict.PASS, DmarcRecord.Policy.NONE, domain, Optional.of(record(policy)),
                true, true, "aligned");
    }

    static DmarcResult dmarcFail(String domain, DmarcRecord.Policy policy) {
        return new DmarcResult(DmarcResult.Verdict.FAIL, policy, domain, Optional.of(record(policy)), false, false,
                "no aligned pass");
    }

    static DmarcResult dmarc(DmarcResult.Verdict verdict, String domain) {
        return new DmarcResult(verdict, DmarcRecord.Policy.NONE, domain, Optional.empty(), false, false,
                "lookup of _dmarc." + domain + " failed");
    }

    static IprevResult iprev(IprevVerdict verdict) {
        return new IprevResult(verdict, CLIENT, verdict == IprevVerdict.PASS ? Optional.of("mail.example.com")
                : Optional.empty(), List.of("mail.example.com"), "reason " + verdict);
    }

    static AuthFindings findings(SpfResult spf, List<DkimResult> dkim, Optional<DmarcResult> dmarc,
            Optional<IprevResult> iprev) {
        return new AuthFindings(spf, Optional.empty(), dkim, Optional.of("example.com"), dmarc, iprev);
    }
}
