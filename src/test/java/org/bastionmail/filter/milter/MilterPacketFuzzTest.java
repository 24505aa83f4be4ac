package org.bastionmail.filter.milter;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.bastionmail.filter.FilterVerdict;
import org.bastionmail.filter.HeaderEdit;

/**
 * Fuzz target for what a milter sends: packets read off the wire and parsed as replies. Every input ends in
 * replies or an IOException (MilterException, EOF), never another exception, and every reply is well-formed.
 */
class MilterPacketFuzzTest {

    @FuzzTest
    void packets(byte[] data) {
        if (data == null || data.length == 0) {
            return;
        }
        // The first octet chooses the negotiated actions, the rest is the stream from the milter.
        int actions = data[0] & 0x3f;
        ByteArrayInputStream in = new ByteArrayInputStream(data, 1, data.length - 1);
        for (int i = 0; i < 1000; i++) {
            MilterPacket packet;
            try {
                packet = MilterPacket.read(in, 4096);
            } catch (IOException e) {
                return;
            }
            assertThat(packet.data().length).isLessThan(4096);
            try {
                check(MilterReply.parse(packet, actions), actions);
            } catch (MilterException e) {
                assertThat(e.getMessage()).isNotEmpty();
            }
        }
    }

    private static void check(MilterReply reply, int actions) {
        switch (reply) {
            case MilterReply.Refuse r -> {
                // a milter's reply code can only ever refuse, and must make a valid verdict
                assertThat(r.code()).isBetween(400, 599);
                new FilterVerdict.Refuse(r.code(), r.enhanced(), r.text());
                assertThat(r.text()).doesNotContain("\r", "\n");
            }
            case MilterReply.Edit e -> {
                HeaderEdit edit = e.edit();
                assertThat(edit.name()).doesNotContain(":", " ");
                assertThat(actions & (edit instanceof HeaderEdit.Change ? MilterProtocol.ACT_CHGHDRS
                        : MilterProtocol.ACT_ADDHDRS)).isNotZero();
            }
            case MilterReply.Quarantine q -> assertThat(actions & MilterProtocol.ACT_QUARANTINE).isNotZero();
            default -> { }
        }
    }
}
