package org.bastionmail.audit;

import java.net.InetSocketAddress;
import java.util.Optional;
import org.bastionmail.dane.DanePolicy;

/**
 * One SMTP service to probe.
 *
 * @param host the name the certificate must match (an address literal when the user gave one)
 * @param localDomain a domain the server receives mail for, used in relay tricks; the host name when unknown
 * @param submission whether this is the submission port (AUTH is expected there, after TLS)
 * @param dane the DANE policy of the host, when it has one
 */
record SmtpTarget(String host, InetSocketAddress address, String localDomain, boolean submission, Optional<DanePolicy> dane) {
    String label() {
        return host + "[" + address.getAddress().getHostAddress() + "]:" + address.getPort();
    }
}
