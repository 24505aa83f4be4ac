package org.bastionmail.filter;

import java.io.IOException;

/** A content filter consulted at the end of DATA (a milter, rspamd). */
@FunctionalInterface
public interface Filter {
    /**
     * The filter's verdict.
     *
     * @throws IOException when the filter gives none: unreachable, timed out, a malformed or oversized reply;
     *     the pipeline then applies the filter's fail-open or fail-closed rule, never "clean"
     */
    FilterVerdict check(FilterMessage message) throws IOException;
}
