package org.bastionmail.tlsrpt;

/** The kind of policy a result was evaluated against (RFC 8460 4.3 "policy-type"). */
public enum PolicyType {
    STS("sts"),
    TLSA("tlsa"),
    NO_POLICY_FOUND("no-policy-found");

    private final String token;

    PolicyType(String token) {
        this.token = token;
    }

    public String token() {
        return token;
    }

    static PolicyType fromToken(String token) {
        for (PolicyType type : values()) {
            if (type.token.equals(token)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown policy type: " + token);
    }
}
