package org.bastionmail.dsn;

/**
 * How delivery status notifications are made.
 *
 * @param reportingMta this server's host name: the Reporting-MTA (RFC 3464 2.2.2) and the domain of the
 *     MAILER-DAEMON From address and of the Message-ID
 * @param returnLimit the most bytes of the original message a DSN carries; a larger message is returned
 *     as its header section only, itself cut at a field boundary to fit (RFC 3461 4.3 leaves the choice
 *     to the MTA)
 * @param delayWarningsByDefault whether a recipient without NOTIFY gets delay warnings; RFC 3461 4.1
 *     lets the MTA pick FAILURE or FAILURE,DELAY as the default, and Bastion picks FAILURE,DELAY so
 *     that a sender learns early that a message is stuck
 */
public record DsnSettings(String reportingMta, int returnLimit, boolean delayWarningsByDefault) {
    public static final int DEFAULT_RETURN_LIMIT = 64 * 1024;
    /** No DSN is useful without the original header section; less than this cannot hold it. */
    static final int MIN_RETURN_LIMIT = 1024;

    public DsnSettings {
        if (!reportingMta.matches("[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?")) {
            throw new IllegalArgumentException("reporting MTA must be an ASCII host name: " + reportingMta);
        }
        if (returnLimit < MIN_RETURN_LIMIT) {
            throw new IllegalArgumentException("returnLimit below " + MIN_RETURN_LIMIT + ": " + returnLimit);
        }
    }

    public static DsnSettings defaults(String hostname) {
        return new DsnSettings(hostname, DEFAULT_RETURN_LIMIT, true);
    }
}
