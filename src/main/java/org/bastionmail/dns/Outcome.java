package org.bastionmail.dns;

import java.time.Duration;
import java.util.List;
import org.xbill.DNS.Record;

/** What one lookup came to, before its records are converted, with how long it may be cached. */
sealed interface Outcome {
    DnssecStatus status();

    Duration ttl();

    record Records(List<Record> records, DnssecStatus status, Duration ttl) implements Outcome {}

    record NoSuchName(DnssecStatus status, Duration ttl) implements Outcome {}

    record NoRecords(DnssecStatus status, Duration ttl) implements Outcome {}

    /** Failures are not cached: the next lookup asks again. */
    record Failure(String reason, DnssecStatus status) implements Outcome {
        @Override
        public Duration ttl() {
            return Duration.ZERO;
        }
    }
}
