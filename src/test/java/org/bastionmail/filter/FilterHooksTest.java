package org.bastionmail.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.bastionmail.smtp.HookVerdict;
import org.bastionmail.smtp.MessageHooks;
import org.bastionmail.smtp.ReceivedMessage;
import org.junit.jupiter.api.Test;

class FilterHooksTest {
    private static final String STORED = "Received: from x by mx.example.test\r\nSubject: hello\r\nX-B: 1\r\nX-B: 2\r\n\r\nbody\r\n";

    private static ReceivedMessage message(String content) {
        byte[] bytes = content.getBytes(StandardCharsets.ISO_8859_1);
        return new ReceivedMessage(InetAddress.getLoopbackAddress(), "client.example", Optional.empty(), List.of(),
                Optional.empty(), Optional.empty(), () -> new ByteArrayInputStream(bytes), Optional.of("Q1"));
    }

    private static FilterHooks hooks(MessageHooks inner, FilterHooks.Step... steps) {
        return new FilterHooks(inner, List.of(steps), "mx.example.test");
    }

    private static MessageHooks inner(HookVerdict verdict) {
        return new MessageHooks() {
            @Override
            public byte[] filterHeader(Optional<String> account, byte[] headerFields) {
                return headerFields;
            }

            @Override
            public HookVerdict afterData(ReceivedMessage message) {
                return verdict;
            }
        };
    }

    private static final MessageHooks AUTH = inner(new HookVerdict.Accept("Authentication-Results: mx; spf=pass\r\n", false));

    private static FilterHooks.Step step(String name, boolean failOpen, Filter filter) {
        return new FilterHooks.Step(name, filter, failOpen);
    }

    private static Filter failing() {
        return m -> {
            throw new IOException("connection refused");
        };
    }

    @Test
    void tagsAndJunkAddUpAfterTheInnerFields() throws IOException {
        HookVerdict verdict = hooks(AUTH,
                step("a", false, m -> new FilterVerdict.Accept(List.of("X-Spam-Status: No, score=1.00"), List.of(), false)),
                step("b", false, m -> new FilterVerdict.Accept(List.of("X-Spam: Yes"), List.of(), true)))
                .afterData(message(STORED));
        assertThat(verdict).isEqualTo(new HookVerdict.Accept(
                "Authentication-Results: mx; spf=pass\r\nX-Spam-Status: No, score=1.00\r\nX-Spam: Yes\r\n", true));
    }

    @Test
    void headerEditsReplaceTheStoredSectionAndTheNextFilterSeesThem() throws IOException {
        List<String> seen = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        HookVerdict verdict = hooks(AUTH,
                step("milter", false, m -> new FilterVerdict.Accept(List.of(), List.of(
                        new HeaderEdit.Add("X-Virus-Status", "Clean"),
                        new HeaderEdit.Change("x-b", 2, ""),
                        new HeaderEdit.Change("Subject", 1, "changed"),
                        new HeaderEdit.Insert(1, "X-Second", "folded\r\n\tvalue")), false)),
                step("rspamd", false, m -> {
                    seen.add(m.header());
                    bodies.add(new String(m.body().open().readAllBytes(), StandardCharsets.ISO_8859_1));
                    return new FilterVerdict.Accept(List.of("X-Spam-Score: 0.00"), List.of(), false);
                })).afterData(message(STORED));
        String edited = "Authentication-Results: mx; spf=pass\r\nX-Second: folded\r\n\tvalue\r\n"
                + "Received: from x by mx.example.test\r\nSubject: changed\r\nX-B: 1\r\nX-Virus-Status: Clean\r\n";
        assertThat(seen).containsExactly(edited);
        assertThat(bodies).containsExactly("body\r\n");
        assertThat(verdict).isEqualTo(new HookVerdict.Accept("X-Spam-Score: 0.00\r\n", false,
                Optional.of(edited.getBytes(StandardCharsets.ISO_8859_1))));
    }

    @Test
    void theFirstRefusalWinsAndLaterFiltersAreNotAsked() throws IOException {
        AtomicInteger later = new AtomicInteger();
        HookVerdict verdict = hooks(AUTH,
                step("milter", false, m -> new FilterVerdict.Refuse(554, "5.7.1", "Virus found")),
                step("rspamd", false, m -> {
                    later.incrementAndGet();
                    return FilterVerdict.Accept.PLAIN;
                })).afterData(message(STORED));
        assertThat(verdict).isEqualTo(new HookVerdict.Refuse(554, "5.7.1", "Virus found"));
        assertThat(later).hasValue(0);
    }

    @Test
    void everyVerdictGoesToTheTransactionLogUnderTheFilterKind() throws IOException {
        byte[] bytes = STORED.getBytes(StandardCharsets.ISO_8859_1);
        org.bastionmail.tracelog.TransactionTrace trace = org.bastionmail.tracelog.TransactionTrace.detached();
        ReceivedMessage traced = new ReceivedMessage(InetAddress.getLoopbackAddress(), "client.example", Optional.empty(),
                List.of(), Optional.empty(), Optional.empty(), () -> new ByteArrayInputStream(bytes), trace, Optional.of("Q1"));
        hooks(AUTH,
                step("milter inet:127.0.0.1:8891", true, failing()),
                step("rspamd", false, m -> new FilterVerdict.Accept(List.of("X-Spam: Yes"), List.of(), true)),
                step("milter unix:/run/clamav.sock", false, m -> new FilterVerdict.Refuse(554, "5.7.1", "Virus found")))
                .afterData(traced);
        assertThat(trace.checks()).containsExactly(
                new org.bastionmail.tracelog.TraceEvent.Check("milter", "unavailable",
                        "milter inet:127.0.0.1:8891: connection refused", false),
                new org.bastionmail.tracelog.TraceEvent.Check("rspamd", "junk", "rspamd", false),
                new org.bastionmail.tracelog.TraceEvent.Check("milter", "554 5.7.1", "Virus found", true));
    }

    @Test
    void innerRefusalMeansNoFilterRuns() throws IOException {
        AtomicInteger asked = new AtomicInteger();
        HookVerdict refused = new HookVerdict.Refuse(550, "5.7.1", "DMARC");
        assertThat(hooks(inner(refused), step("x", false, m -> {
            asked.incrementAndGet();
            return FilterVerdict.Accept.PLAIN;
        })).afterData(message(STORED))).isEqualTo(refused);
        assertThat(asked).hasValue(0);
    }

    @Test
    void discardIsPassedOn() throws IOException {
        assertThat(hooks(AUTH, step("milter", false, m -> new FilterVerdict.Discard("dropped")))
                .afterData(message(STORED))).isEqualTo(new HookVerdict.Discard("milter: dropped"));
    }

    @Test
    void aFilterThatCannotAnswerFailsClosedOrOpenAsConfigured() throws IOException {
        assertThat(hooks(AUTH, step("rspamd", false, failing())).afterData(message(STORED)))
                .isEqualTo(new HookVerdict.Refuse(451, "4.7.1", "Content filter unavailable, try again later"));
        assertThat(hooks(AUTH, step("rspamd", true, failing())).afterData(message(STORED)))
                .isEqualTo(new HookVerdict.Accept(
                        "Authentication-Results: mx; spf=pass\r\nX-Bastion-Filter: rspamd unavailable\r\n", false));
        // A bug in a filter is no verdict either.
        assertThat(hooks(AUTH, step("buggy", false, m -> {
            throw new IllegalStateException("bug");
        })).afterData(message(STORED))).isInstanceOf(HookVerdict.Refuse.class);
    }

    @Test
    void aMessageWithoutBodyOrHeader() throws IOException {
        List<String> seen = new ArrayList<>();
        Filter recording = m -> {
            seen.add(m.header() + "|" + new String(m.body().open().readAllBytes(), StandardCharsets.ISO_8859_1));
            return FilterVerdict.Accept.PLAIN;
        };
        hooks(inner(HookVerdict.Accept.UNCHANGED), step("r", false, recording)).afterData(message("Subject: x\r\n"));
        hooks(inner(HookVerdict.Accept.UNCHANGED), step("r", false, recording)).afterData(message("\r\nbody\r\n"));
        assertThat(seen).containsExactly("Subject: x\r\n|", "|body\r\n");
    }

    @Test
    void forgedFilterFieldsAreRemovedFromTheReceivedHeader() {
        byte[] received = ("Subject: x\r\nX-Spam: No\r\nx-spam-status: No,\r\n score=-50\r\nX-Spam-Score: -50\r\n"
                + "X-Bastion-Filter: rspamd ok\r\nX-Spamd-Result: kept\r\n").getBytes(StandardCharsets.US_ASCII);
        assertThat(new String(hooks(AUTH).filterHeader(Optional.empty(), received), StandardCharsets.US_ASCII))
                .isEqualTo("Subject: x\r\nX-Spamd-Result: kept\r\n");
    }
}
