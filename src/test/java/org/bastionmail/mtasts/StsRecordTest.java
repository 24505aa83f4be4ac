package org.bastionmail.mtasts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class StsRecordTest {
    @Test
    void selectsTheOneStsRecordAmongOthers() throws Exception {
        // RFC 8461 3.1 example
        assertThat(StsRecord.select(List.of("v=spf1 -all", "v=STSv1; id=20160831085700Z;")).id())
                .isEqualTo("20160831085700Z");
        assertThat(StsRecord.select(List.of("v=STSv1;id=abc ; ext_1=x-y")).id()).isEqualTo("abc");
        assertThat(StsRecord.select(List.of("v=STSv1 ; id=abc")).id()).isEqualTo("abc");
    }

    @Test
    void refusesHostileRecords() {
        assertThatThrownBy(() -> StsRecord.select(List.of())).hasMessageContaining("no v=STSv1");
        assertThatThrownBy(() -> StsRecord.select(List.of("v=STSv1; id=a", "v=STSv1; id=b"))).hasMessageContaining("more than one");
        assertThatThrownBy(() -> StsRecord.select(List.of("v=STSv1;"))).hasMessageContaining("id");
        assertThatThrownBy(() -> StsRecord.select(List.of("v=STSv1"))).hasMessageContaining("id");
        assertThatThrownBy(() -> StsRecord.select(List.of("v=STSv1; id="))).hasMessageContaining("id");
        assertThatThrownBy(() -> StsRecord.select(List.of("v=STSv1; id=" + "a".repeat(33)))).hasMessageContaining("id");
        assertThatThrownBy(() -> StsRecord.select(List.of("v=STSv1; id=a-b"))).hasMessageContaining("id");
        assertThatThrownBy(() -> StsRecord.select(List.of("v=STSv1; id=a; id=b"))).hasMessageContaining("more than one id");
        assertThatThrownBy(() -> StsRecord.select(List.of("v=STSv1; id=a;; x=y"))).hasMessageContaining("empty");
        assertThatThrownBy(() -> StsRecord.select(List.of("v=STSv1; id=a; =y"))).isInstanceOf(StsSyntaxException.class);
        assertThatThrownBy(() -> StsRecord.select(List.of("v=STSv1; id=a; x=a b"))).isInstanceOf(StsSyntaxException.class);
        assertThatThrownBy(() -> StsRecord.select(List.of("v=STSv10; id=a"))).hasMessageContaining("no v=STSv1");
        assertThatThrownBy(() -> StsRecord.select(List.of("id=a; v=STSv1"))).hasMessageContaining("no v=STSv1");
        assertThatThrownBy(() -> StsRecord.select(List.of("v=STSv1; id=a; " + "x=y;".repeat(300)))).hasMessageContaining("longer");
    }
}
