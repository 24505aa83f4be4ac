package org.bastionmail.spf;

/** Which identity was checked (RFC 7208 2.3, 2.4); printed as the {@code identity=} key of Received-SPF. */
public enum SpfIdentity {
    MAILFROM("mailfrom"), HELO("helo");

    private final String label;

    SpfIdentity(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }
}
