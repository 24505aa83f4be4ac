package org.bastionmail.dane;

import org.bastionmail.dns.TlsaRecord;

/** Whether a server's certificate chain is authenticated by its TLSA records (RFC 7672 3). */
public sealed interface DaneVerdict {
    /** The chain matched {@code record}; for DANE-TA(2), the chain and the server's name were checked too. */
    record Authenticated(TlsaRecord record) implements DaneVerdict {}

    /** No usable TLSA record authenticated the chain: the connection must not be used (RFC 7672 2.2). */
    record Failed(String reason) implements DaneVerdict {}
}
