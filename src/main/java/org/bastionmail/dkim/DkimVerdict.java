package org.bastionmail.dkim;

/** The result of checking one DKIM signature, in the words of RFC 8601 2.7.1. */
public enum DkimVerdict {
    /** The signature verified. */
    PASS,
    /** The signature or the body hash did not verify: the message was changed, or the signature is forged. */
    FAIL,
    /** The signature was not evaluated (for example, beyond the number of signatures checked per message). */
    NEUTRAL,
    /** The signature verified, but is not acceptable by local policy. */
    POLICY,
    /** The key could not be fetched for now (a DNS failure); a later retry may succeed. */
    TEMPERROR,
    /** The signature can never verify: a syntax error, no key, a revoked or weak key, an expired signature. */
    PERMERROR,
    /** The message carries no DKIM signature. */
    NONE;

    /** The RFC 8601 result keyword, as written in Authentication-Results. */
    public String keyword() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
