package org.bastionmail.dns;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * One reply read for a question: the CNAME chain it holds (RFC 1034 4.3.2 step 3a), the records at the
 * end of it, and how long the result may be cached.
 *
 * @param finalName the name the chain ends at; the question's name when there is no CNAME
 * @param needsFollowing the chain ends at a name the reply has nothing about: ask again for it
 */
record Reply(
        Name finalName,
        int cnameHops,
        boolean needsFollowing,
        int rcode,
        List<Record> records,
        DnssecStatus status,
        String bogusReason,
        Duration ttl) {

    static Reply of(Name question, int type, Message message, DnssecStatus status) {
        List<Record> answer = message.getSection(Section.ANSWER);
        Name current = question;
        int hops = 0;
        Duration ttl = AnswerCache.MAX_TTL;
        while (type != Type.CNAME && hops <= DnsjavaResolver.MAX_CNAME_HOPS && !hasType(answer, current, type)) {
            CNAMERecord cname = cname(answer, current);
            if (cname == null) {
                break;
            }
            ttl = min(ttl, Duration.ofSeconds(cname.getTTL()));
            current = cname.getTarget();
            hops++;
        }
        List<Record> records = new ArrayList<>();
        for (Record r : answer) {
            // A record with empty RDATA comes out of dnsjava as an EmptyRecord whatever its type: it carries
            // nothing the checks could use, and the converters would fail on it (found by fuzzing).
            if (r.getType() == type && r.getName().equals(current) && r.rdataToWireCanonical().length > 0) {
                records.add(r);
                ttl = min(ttl, Duration.ofSeconds(r.getTTL()));
            }
        }
        SOARecord soa = soa(message);
        boolean unfinished = records.isEmpty() && hops > 0 && soa == null && message.getRcode() == Rcode.NOERROR;
        if (records.isEmpty()) {
            // RFC 2308 5: a negative answer lives for the lesser of the SOA's TTL and its MINIMUM field;
            // without a SOA it is not cached at all
            ttl = soa == null ? Duration.ZERO : min(ttl, Duration.ofSeconds(Math.min(soa.getTTL(), soa.getMinimum())));
        }
        return new Reply(current, hops, unfinished, message.getRcode(), List.copyOf(records), status, bogusReason(message), ttl);
    }

    /** The result, with the status and TTL of the whole chain so far. */
    Outcome outcome(DnssecStatus chainStatus, Duration chainTtl) {
        if (!records.isEmpty()) {
            return new Outcome.Records(records, chainStatus, chainTtl);
        }
        if (rcode == Rcode.NXDOMAIN) {
            return new Outcome.NoSuchName(chainStatus, chainTtl);
        }
        return new Outcome.NoRecords(chainStatus, chainTtl);
    }

    private static boolean hasType(List<Record> answer, Name name, int type) {
        return answer.stream().anyMatch(r -> r.getType() == type && r.getName().equals(name));
    }

    private static CNAMERecord cname(List<Record> answer, Name name) {
        for (Record r : answer) {
            if (r instanceof CNAMERecord c && r.getName().equals(name)) {
                return c;
            }
        }
        return null;
    }

    private static SOARecord soa(Message message) {
        for (Record r : message.getSection(Section.AUTHORITY)) {
            if (r instanceof SOARecord s) {
                return s;
            }
        }
        return null;
    }

    /** dnsjava's validator explains a bogus answer in a TXT record of a private class. */
    private static String bogusReason(Message message) {
        for (Record r : message.getSection(Section.ADDITIONAL)) {
            if (r instanceof TXTRecord t && r.getDClass() == ValidatingResolver.VALIDATION_REASON_QCLASS) {
                return String.join("", t.getStrings());
            }
        }
        return "no reason given";
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
