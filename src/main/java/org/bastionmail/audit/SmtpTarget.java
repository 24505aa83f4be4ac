package org.bastionmail.audit;

import java.net.InetSocketAddress;
import java.util.Optional;
import org.bastionmail.dane.DanePolicy;

/**
 * One SMTP (or IMAP/POP3) service to probe.
 *
 * @param host the name the certificate must match (an address literal when the user gave one)
 * @param localDomain a domain the server receives mail for, used in relay tricks; the host name when unknown
 * @param submission whether this is a submission port (AUTH is expected there, after TLS)
 * @param dane the DANE policy of the host, when it has one
 * @param implicitTls TLS from the first byte (ports 465, 993, 995; RFC 8314 3.3) rather than STARTTLS
 */
record SmtpTarget(String host, InetSocketAddress address, String localDomain, boolean submission, Optional<DanePolicy> dane,
        boolean implicitTls) {
    SmtpTarget(String host, InetSocketAddress address, String localDomain, boolean submission, Optional<DanePolicy> dane) {
        this(host, address, localDomain, submission, dane, false);
    }

    String label() {
        return host + "[" + address.getAddress().getHostAddress() + "]:" + address.getPort();
    }
}
