package org.bastionmail.smtp.client;

/** A connection could not be opened or set up (greeting, EHLO, TLS, AUTH). */
public final class SmtpClientException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient ConnectionFailure failure;

    SmtpClientException(ConnectionFailure failure, Throwable cause) {
        super(failure.stage() + ": " + failure.detail(), cause);
        this.failure = failure;
    }

    public ConnectionFailure failure() {
        return failure;
    }
}
