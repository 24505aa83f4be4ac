package org.bastionmail.tlsrpt;

/** Why a TLS session failed or a policy could not be applied: the result types of RFC 8460 4.3.2. */
public enum ResultType {
    // RFC 8460 4.3.2.1: negotiation failures
    STARTTLS_NOT_SUPPORTED("starttls-not-supported"),
    CERTIFICATE_HOST_MISMATCH("certificate-host-mismatch"),
    CERTIFICATE_EXPIRED("certificate-expired"),
    CERTIFICATE_NOT_TRUSTED("certificate-not-trusted"),
    VALIDATION_FAILURE("validation-failure"),
    // RFC 8460 4.3.2.2: policy failures
    TLSA_INVALID("tlsa-invalid"),
    DNSSEC_INVALID("dnssec-invalid"),
    DANE_REQUIRED("dane-required"),
    STS_POLICY_FETCH_ERROR("sts-policy-fetch-error"),
    STS_POLICY_INVALID("sts-policy-invalid"),
    STS_WEBPKI_INVALID("sts-webpki-invalid");

    private final String token;

    ResultType(String token) {
        this.token = token;
    }

    /** The string written in the report's {@code result-type}. */
    public String token() {
        return token;
    }

    static ResultType fromToken(String token) {
        for (ResultType type : values()) {
            if (type.token.equals(token)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown result type: " + token);
    }
}
