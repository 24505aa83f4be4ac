package org.bastionmail.dane;

import java.util.List;
import java.util.Locale;
import org.bastionmail.dns.DnsResolver;
import org.bastionmail.dns.DnssecStatus;
import org.bastionmail.dns.Lookup;
import org.bastionmail.dns.TlsaRecord;

/**
 * Decides the DANE policy for one MX host from its TLSA records (RFC 7672 2.2). CNAME expansion of the
 * MX host (RFC 7672 2.2.2) is kept simple: the TLSA base domain is the MX host name itself.
 */
public final class DaneLookup {
    /** SMTP's port; the TLSA owner name follows the port actually connected to (RFC 6698 3). */
    public static final int SMTP_PORT = 25;

    private final DnsResolver dns;
    private final int port;

    public DaneLookup(DnsResolver dns) {
        this(dns, SMTP_PORT);
    }

    /** For a non-standard remote port (tests); the TLSA records are then looked up under {@code _port._tcp}. */
    public DaneLookup(DnsResolver dns, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("bad port " + port);
        }
        this.dns = dns;
        this.port = port;
    }

    /** The TLSA owner name for a host: {@code _25._tcp.mx.example.com} (RFC 6698 3, RFC 7672 2.2). */
    public String tlsaName(String mxHost) {
        return "_" + port + "._tcp." + hostName(mxHost);
    }

    /**
     * The policy for {@code mxHost}.
     *
     * @param mxStatus DNSSEC status of the MX lookup that named the host (for an implicit MX, of the
     *     lookup that proved there is no MX RRset)
     * @param addressStatus DNSSEC status of the host's address lookups (the weakest of A and AAAA)
     */
    public DanePolicy policy(String mxHost, DnssecStatus mxStatus, DnssecStatus addressStatus) {
        String host = hostName(mxHost);
        if (mxStatus == DnssecStatus.BOGUS || addressStatus == DnssecStatus.BOGUS) {
            return new DanePolicy.TemporaryFailure("DNSSEC validation failed on the way to " + host);
        }
        // RFC 7672 2.2.1: an MX RRset an attacker could have forged makes the MX host's TLSA records moot
        if (mxStatus != DnssecStatus.SECURE) {
            return new DanePolicy.NotApplicable("the MX records naming " + host + " are " + notSecure(mxStatus));
        }
        // RFC 7672 2.2.2: TLSA records are only looked up for a host whose addresses are secure
        if (addressStatus != DnssecStatus.SECURE) {
            return new DanePolicy.NotApplicable("the addresses of " + host + " are " + notSecure(addressStatus));
        }
        String owner = tlsaName(host);
        Lookup<List<TlsaRecord>> lookup = dns.tlsa(owner);
        return switch (lookup) {
            case Lookup.Found<List<TlsaRecord>> found when found.dnssec() == DnssecStatus.SECURE -> decide(host, owner, found.records());
            case Lookup.Found<List<TlsaRecord>> found ->
                    new DanePolicy.NotApplicable("the TLSA records at " + owner + " are " + notSecure(found.dnssec()));
            case Lookup.NoSuchName<List<TlsaRecord>> none -> new DanePolicy.NotApplicable("no TLSA records at " + owner);
            case Lookup.NoRecords<List<TlsaRecord>> none -> new DanePolicy.NotApplicable("no TLSA records at " + owner);
            // RFC 7672 2.2: a failed or bogus TLSA lookup for a secure host could hide records: never downgrade
            case Lookup.Failed<List<TlsaRecord>> failed ->
                    new DanePolicy.TemporaryFailure("TLSA lookup of " + owner + " failed: " + failed.reason());
        };
    }

    private static DanePolicy decide(String host, String owner, List<TlsaRecord> records) {
        List<TlsaRecord> usable = records.stream().filter(CertificateAssociation::usable).toList();
        if (usable.isEmpty()) {
            // RFC 7672 2.2: published but unusable records still mean the server offers STARTTLS
            return new DanePolicy.EncryptOnly("none of the " + records.size() + " TLSA records at " + owner + " is usable");
        }
        return new DanePolicy.Required(host, usable);
    }

    private static String hostName(String host) {
        String trimmed = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("empty MX host name");
        }
        return trimmed.toLowerCase(Locale.ROOT);
    }

    private static String notSecure(DnssecStatus status) {
        return "not DNSSEC-secure (" + status.name().toLowerCase(Locale.ROOT) + ")";
    }
}
