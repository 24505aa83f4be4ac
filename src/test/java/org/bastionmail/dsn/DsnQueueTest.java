package org.bastionmail.dsn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bastionmail.dsn.Fixtures.*;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bastionmail.queue.FileQueue;
import org.bastionmail.queue.QueueEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DsnQueueTest {
    @TempDir
    Path dataDir;

    @Test
    void aDsnIsQueuedWithItsOwnEnvelopeAndBytes() throws IOException {
        var r = rcpt("bob@remote.test");
        var original = envelope(r);
        var send = (DsnDecision.Send) new DsnPolicy(SETTINGS).decide(original, List.of(failed(r)));
        Dsn dsn = new DsnBuilder(SETTINGS).build(send, original,
                new ByteArrayInputStream("Subject: x\r\n\r\ny\r\n".getBytes(StandardCharsets.US_ASCII)));

        FileQueue queue = FileQueue.open(dataDir);
        String id = dsn.enqueue(queue);

        QueueEntry entry = queue.entry(id).orElseThrow();
        assertThat(entry.envelope()).isEqualTo(dsn.envelope());
        assertThat(entry.envelope().sender()).isEmpty();
        assertThat(Files.readAllBytes(queue.contentFile(id))).isEqualTo(dsn.message());
    }
}
