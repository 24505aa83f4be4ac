package org.bastionmail.reports;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;

/**
 * Delivers a TLS report to an https: report target (RFC 8460 5.4). An interface so that tests can
 * point it at a loopback server.
 */
@FunctionalInterface
public interface ReportPoster {
    /**
     * POSTs {@code body} with {@code contentType} to {@code uri}; returns when the receiver answered with
     * a 2xx status (RFC 8460 5.4: a success code means the report was received).
     *
     * @throws IOException when the report was not taken: network failure, timeout or any other status
     */
    void post(URI uri, String contentType, byte[] body) throws IOException;

    /** The real poster: {@link HttpClient} with the JDK's trust store, no redirects followed. */
    static ReportPoster http(Duration timeout) {
        return new HttpReportPoster(HttpClient.newBuilder().connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build(), timeout);
    }
}
