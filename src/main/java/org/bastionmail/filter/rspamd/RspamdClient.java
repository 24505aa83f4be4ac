package org.bastionmail.filter.rspamd;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bastionmail.filter.Filter;
import org.bastionmail.filter.FilterMessage;
import org.bastionmail.filter.FilterVerdict;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.queue.Envelope;
import org.bastionmail.smtp.ReceivedMessage;

/**
 * rspamd's HTTP protocol (the normal worker, port 11333): {@code POST /checkv2} with the envelope in request
 * headers and the message as body. The advice maps onto the pipeline's verdicts:
 * <ul>
 *   <li>no action: accept, tagged {@code X-Spam-Status: No, score=...} and {@code X-Spam-Score};
 *   <li>add header, rewrite subject: Junk, tagged {@code X-Spam: Yes} (the subject is left alone);
 *   <li>greylist, soft reject: 451 4.7.1; reject: 550 5.7.1;
 *   <li>anything else, a non-200 status, a timeout or malformed JSON: an error, for the fail rule.
 * </ul>
 */
public final class RspamdClient implements Filter {
    private final RspamdSettings settings;
    private final HttpClient http;

    public RspamdClient(RspamdSettings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public FilterVerdict check(FilterMessage message) throws IOException {
        long size = message.headerBytes().length + 2L + measure(message.body());
        if (size > settings.maxSize()) {
            return new FilterVerdict.Accept(List.of("X-Spam-Status: No, skipped (message larger than "
                    + settings.maxSize() + " bytes)"), List.of(), false);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(settings.checkUri())
                .timeout(settings.timeout())
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> {
                    try {
                        return message.open();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }), size));
        for (String[] header : requestHeaders(message)) {
            request.header(header[0], header[1]);
        }
        byte[] body = send(request.build());
        return verdict(RspamdReply.parse(body));
    }

    /** rspamd's request headers (its "Protocol" documentation): the envelope and the client. */
    static List<String[]> requestHeaders(FilterMessage message) {
        ReceivedMessage envelope = message.envelope();
        List<String[]> headers = new ArrayList<>();
        headers.add(new String[] {"IP", envelope.client().getHostAddress()});
        headers.add(new String[] {"Helo", safe(envelope.helo())});
        envelope.sender().map(MailAddress::toString).ifPresent(from -> headers.add(new String[] {"From", safe(from)}));
        for (Envelope.Recipient recipient : envelope.recipients()) {
            headers.add(new String[] {"Rcpt", safe(recipient.address().toString())});
        }
        envelope.queueId().ifPresent(id -> headers.add(new String[] {"Queue-Id", safe(id)}));
        envelope.account().ifPresent(user -> headers.add(new String[] {"User", safe(user)}));
        envelope.tls().ifPresent(tls -> {
            int space = tls.indexOf(' ');
            headers.add(new String[] {"TLS-Version", safe(space < 0 ? tls : tls.substring(0, space))});
            if (space > 0) {
                headers.add(new String[] {"TLS-Cipher", safe(tls.substring(space + 1))});
            }
        });
        headers.add(new String[] {"MTA-Name", safe(message.hostname())});
        return headers;
    }

    /** Header values are printable ASCII; a UTF-8 address (RFC 6531) is sent percent-free but with '?' in place. */
    private static String safe(String value) {
        return RspamdReply.printable(value, 998);
    }

    private byte[] send(HttpRequest request) throws IOException {
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for rspamd");
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        // The request timeout covers the response head; the watchdog covers the body.
        try (InputStream in = response.body()) {
            Thread watchdog = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(settings.timeout());
                    in.close();
                } catch (InterruptedException | IOException e) {
                    // read in time
                }
            });
            try {
                if (response.statusCode() != 200) {
                    throw new IOException("rspamd answered HTTP " + response.statusCode());
                }
                byte[] body = in.readNBytes(RspamdReply.MAX_BYTES + 1);
                if (body.length > RspamdReply.MAX_BYTES) {
                    throw new IOException("rspamd reply over " + RspamdReply.MAX_BYTES + " octets");
                }
                return body;
            } finally {
                watchdog.interrupt();
            }
        }
    }

    static FilterVerdict verdict(RspamdReply reply) {
        String score = String.format(Locale.ROOT, "score=%.2f required=%.2f", reply.score(), reply.requiredScore());
        String scoreField = String.format(Locale.ROOT, "X-Spam-Score: %.2f", reply.score());
        return switch (reply.action()) {
            case NO_ACTION -> new FilterVerdict.Accept(List.of("X-Spam-Status: No, " + score, scoreField), List.of(), false);
            case ADD_HEADER, REWRITE_SUBJECT -> new FilterVerdict.Accept(
                    List.of("X-Spam: Yes", "X-Spam-Status: Yes, " + score, scoreField), List.of(), true);
            // RFC 3463 4.7.1 / 5.7.1: delivery not authorized
            case GREYLIST, SOFT_REJECT -> new FilterVerdict.Refuse(451, "4.7.1",
                    reply.smtpMessage().orElse("Try again later"));
            case REJECT -> new FilterVerdict.Refuse(550, "5.7.1", reply.smtpMessage().orElse("Spam message rejected"));
        };
    }

    private static long measure(ReceivedMessage.Content content) throws IOException {
        long total = 0;
        byte[] scratch = new byte[64 * 1024];
        try (InputStream in = content.open()) {
            int n;
            while ((n = in.read(scratch)) > 0) {
                total += n;
            }
        }
        return total;
    }
}
