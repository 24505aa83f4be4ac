package org.bastionmail.dns;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * Fuzz target for DNS answers on their way to the checks: a raw message parsed by dnsjava (whose only
 * documented failure is an IOException, WireParseException among them), then read by {@link Reply#of} for
 * each record type Bastion asks for, and its records converted by the resolver's own converters
 * ({@link DnsjavaResolver#TXT} and the others) into what SPF, DKIM, DANE, MTA-STS and iprev see.
 *
 * <p>Properties: no exception after the parse; the records kept are all of the asked type at the end of
 * the CNAME chain; the chain is bounded; the cache lifetime is neither negative nor above the cap.
 */
class DnsAnswerFuzzTest {
    private static final int[] TYPES = {Type.A, Type.AAAA, Type.MX, Type.TXT, Type.TLSA, Type.PTR, Type.CNAME};

    @FuzzTest
    void answers(byte[] wire) {
        if (wire == null) {
            return;
        }
        Message message;
        try {
            message = new Message(wire);
        } catch (IOException documented) {
            return;
        }
        List<Record> questions = message.getSection(org.xbill.DNS.Section.QUESTION);
        Name question = questions.isEmpty() ? Name.root : questions.getFirst().getName();
        for (int type : TYPES) {
            Reply reply = Reply.of(question, type, message, DnssecStatus.INSECURE);
            assertThat(reply.cnameHops()).isLessThanOrEqualTo(DnsjavaResolver.MAX_CNAME_HOPS + 1);
            assertThat(reply.ttl()).isBetween(Duration.ZERO, AnswerCache.MAX_TTL);
            assertThat(reply.bogusReason()).isNotNull();
            for (Record r : reply.records()) {
                assertThat(r.getType()).isEqualTo(type);
                assertThat(r.getName()).isEqualTo(reply.finalName());
            }
            Outcome outcome = reply.outcome(DnssecStatus.INSECURE, reply.ttl());
            if (outcome instanceof Outcome.Records found) {
                convert(type, found.records());
            }
        }
    }

    private static void convert(int type, List<Record> records) {
        Function<Record, ?> converter = switch (type) {
            case Type.A -> DnsjavaResolver.A;
            case Type.AAAA -> DnsjavaResolver.AAAA;
            case Type.MX -> DnsjavaResolver.MX;
            case Type.TXT -> DnsjavaResolver.TXT;
            case Type.TLSA -> DnsjavaResolver.TLSA;
            case Type.PTR -> DnsjavaResolver.PTR;
            default -> null;
        };
        if (converter == null) {
            return;
        }
        for (Record r : records) {
            Object value = converter.apply(r);
            assertThat(value).isNotNull();
            switch (value) {
                case java.net.InetAddress address ->
                        assertThat(address.getAddress()).hasSize(type == Type.A ? 4 : 16);
                case DnsResolver.MxRecord mx -> {
                    assertThat(mx.preference()).isBetween(0, 65535);
                    assertThat(mx.exchange()).isNotEmpty();
                }
                case TlsaRecord tlsa -> assertThat(tlsa.data().length).isLessThanOrEqualTo(65535);
                // RFC 1035 3.3.14: a TXT record is at most one RDATA (64 KiB) long
                case String text -> assertThat(text.length()).isLessThanOrEqualTo(65535);
                default -> throw new AssertionError("unexpected value " + value);
            }
        }
    }
}
