package org.bastionmail.reports;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** {@link ReportPoster} over {@link HttpClient}. */
final class HttpReportPoster implements ReportPoster {
    private final HttpClient client;
    private final Duration timeout;

    HttpReportPoster(HttpClient client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    @Override
    public void post(URI uri, String contentType, byte[] body) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<Void> response;
        try {
            // The receiver's answer body is of no use to us: never read it, so it cannot be large.
            response = client.send(request, HttpResponse.BodyHandlers.discarding());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while posting the report", e);
        }
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            // RFC 8460 5.4: anything but a 2xx is a failure to deliver (a redirect is not followed).
            throw new IOException("report target answered HTTP " + status);
        }
    }
}
