package org.bastionmail.filter.milter;

import java.io.IOException;

/** The milter broke the protocol: a malformed, oversized, unexpected or unnegotiated packet. */
final class MilterException extends IOException {
    MilterException(String message) {
        super(message);
    }
}
