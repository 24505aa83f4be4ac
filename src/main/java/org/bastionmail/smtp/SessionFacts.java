package org.bastionmail.smtp;

import java.net.InetAddress;
import java.util.Optional;

/** What the session knows about its client when a message arrives: for the Received line and the Envelope. */
record SessionFacts(String sessionId, String helo, boolean esmtp, Optional<String> tls, Optional<String> account,
        InetAddress client) {}
