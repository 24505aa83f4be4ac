package org.bastionmail.smtp.client;

import org.bastionmail.queue.Envelope;

/** One recipient of an {@link OutboundMessage} and what became of it. */
public record RecipientResult(Envelope.Recipient recipient, RecipientStatus status) {}
