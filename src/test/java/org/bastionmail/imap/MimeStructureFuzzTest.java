package org.bastionmail.imap;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Fuzz target for the MIME structure that IMAP serves from stored messages (RFC 9051 6.4.5, 7.5.2): any
 * bytes are parsed by {@link MimeEntity} (no documented failure: a broken message is still served), then
 * described as ENVELOPE and BODYSTRUCTURE and cut into BODY[part] sections.
 *
 * <p>Properties: every entity's offsets lie within its parent's; nesting and part count stay under the
 * parser's limits; the descriptions are bounded; a section's octets are a slice of the message (plus at
 * most a CRLF for HEADER.FIELDS), and the whole-message section is the message itself.
 */
class MimeStructureFuzzTest {

    @FuzzTest
    void structures(FuzzedDataProvider data) {
        int[] path = new int[data.consumeInt(0, 4)];
        for (int i = 0; i < path.length; i++) {
            path[i] = data.consumeInt(1, 4);
        }
        String specifier = data.pickValue(new String[] {"", "HEADER", "TEXT", "MIME", "HEADER.FIELDS", "HEADER.FIELDS.NOT"});
        byte[] raw = data.consumeRemainingAsBytes();

        MimeEntity top = MimeEntity.parse(raw);
        int[] count = {0};
        check(top, 0, raw.length, 0, count);
        assertThat(top.start).isZero();
        assertThat(top.end).isEqualTo(raw.length);

        Response structure = new Response();
        MessageDescription.structure(top, true, structure);
        Response envelope = new Response();
        MessageDescription.envelope(top, envelope);
        // each part costs a bounded description plus its quoted parameters and fields, which come from the input
        long bound = 2_000L * count[0] + 4L * raw.length + 1_000;
        assertThat((long) structure.bytes().length).isLessThanOrEqualTo(bound);
        // ENVELOPE repeats From as Sender and Reply-To, and a two-byte group ":;" becomes two address
        // structures: linear, but by a larger factor (the first fuzz campaign found 2x the bound above)
        assertThat((long) envelope.bytes().length).isLessThanOrEqualTo(64L * raw.length + 1_000);

        List<Integer> parts = new ArrayList<>();
        for (int n : path) {
            parts.add(n);
        }
        if (specifier.equals("MIME") && parts.isEmpty()) {
            specifier = "";
        }
        List<String> fields = specifier.startsWith("HEADER.FIELDS") ? List.of("Subject", "Content-Type") : List.of();
        Section section = new Section(parts, specifier, fields);
        Optional<byte[]> octets = section.extract(top);
        octets.ifPresent(bytes -> assertThat(bytes.length).isLessThanOrEqualTo(raw.length + 2));
        if (parts.isEmpty() && specifier.isEmpty()) {
            assertThat(octets).hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(raw));
        }
    }

    /** Offsets nest, depth and part count stay bounded. */
    private static void check(MimeEntity entity, int from, int to, int depth, int[] count) {
        count[0]++;
        assertThat(count[0]).isLessThanOrEqualTo(2_001);
        assertThat(depth).isLessThanOrEqualTo(MimeEntity.MAX_DEPTH + 1);
        assertThat(entity.start).isBetween(from, to);
        assertThat(entity.bodyStart).isBetween(entity.start, entity.end);
        assertThat(entity.end).isBetween(entity.start, to);
        assertThat(entity.bodyLines()).isBetween(0, entity.bodySize() + 1);
        assertThat(entity.type).isNotEmpty();
        assertThat(entity.subtype).isNotEmpty();
        for (MimeEntity child : entity.children) {
            check(child, entity.bodyStart, entity.end, depth + 1, count);
        }
        entity.message.ifPresent(inner -> check(inner, entity.bodyStart, entity.end, depth + 1, count));
        entity.disposition();
        assertThat(entity.transferEncoding()).isNotNull();
    }
}
