package org.bastionmail.smtp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.bastionmail.io.CarrierOffload;
import org.bastionmail.mail.AddressList;
import org.bastionmail.mail.HeaderSection;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.queue.Envelope;
import org.bastionmail.queue.IncomingMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DATA (RFC 5321 4.1.1.4) and BDAT (RFC 3030): reads the message into the queue, adds the trace and
 * submission fields, checks the From: of submitted mail, and commits. The 250 goes out only after
 * {@link IncomingMessage#commit} returned: from then on the message is ours to deliver.
 */
final class MessagePhase {
    private static final Logger LOG = LoggerFactory.getLogger(MessagePhase.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SmtpContext context;
    private final EnvelopePhase envelopes;

    MessagePhase(SmtpContext context, EnvelopePhase envelopes) {
        this.context = context;
        this.envelopes = envelopes;
    }

    /** DATA: the session checked there is a transaction with recipients. */
    void data(Transaction tx, SessionFacts facts, Conversation conversation) throws IOException {
        IncomingMessage message;
        try {
            message = CarrierOffload.call(context.queue()::newMessage);
        } catch (IOException e) {
            LOG.error("cannot start a message in the queue: {}", e.toString());
            reply(tx, Reply.storageFailure(e), "storage", conversation);
            return;
        }
        conversation.send(Reply.START_DATA);
        HeaderCheck check = new HeaderCheck();
        MessageContent content = new MessageContent(context.limits(), message.content(),
                header -> rewriteHeader(header, tx, facts, check, message.id()));
        try {
            DataReader.read(conversation.in(), content);
        } catch (IOException | RuntimeException e) {
            message.close();
            throw e;
        }
        finish(tx, facts, message, content, check, conversation);
    }

    /**
     * One BDAT chunk. The announced bytes are always read, even when the chunk is refused, so that the
     * next command is found where the client put it (RFC 3030 2).
     *
     * @return whether the transaction is over (the last chunk, or a refused one: what follows gets 503)
     */
    boolean bdat(SmtpCommand.Bdat command, Optional<Transaction> transaction, SessionFacts facts,
            Conversation conversation) throws IOException {
        Optional<Reply> refusal = transaction.isEmpty() ? Optional.of(Reply.NEED_MAIL)
                : transaction.get().recipients.isEmpty()
                        ? Optional.of(transaction.get().rcptGiven ? Reply.NO_VALID_RECIPIENTS : Reply.NEED_RCPT)
                        : Optional.empty();
        if (command.size() > context.limits().messageSize()) {
            // Reading that much to stay in step is not worth it: refuse and hang up.
            transaction.ifPresent(tx -> {
                tx.abandon();
                tx.trace.refusedFor("size");
                tx.trace.reply(SmtpSession.line(Reply.TOO_BIG));
            });
            conversation.sendAndClose(Reply.TOO_BIG);
        }
        if (refusal.isPresent()) {
            discard(command.size(), conversation);
            conversation.send(refusal.get());
            return false;
        }
        Transaction tx = transaction.get();
        if (tx.chunks.isEmpty()) {
            IncomingMessage message;
            try {
                message = CarrierOffload.call(context.queue()::newMessage);
            } catch (IOException e) {
                LOG.error("cannot start a message in the queue: {}", e.toString());
                discard(command.size(), conversation);
                reply(tx, Reply.storageFailure(e), "storage", conversation);
                return true;
            }
            HeaderCheck check = new HeaderCheck();
            tx.headerCheck = check;
            tx.chunks = Optional.of(new Transaction.Chunks(message, new MessageContent(context.limits(),
                    message.content(), header -> rewriteHeader(header, tx, facts, check, message.id()))));
        }
        Transaction.Chunks chunks = tx.chunks.get();
        copy(command.size(), conversation, chunks.content());
        if (command.last()) {
            tx.chunks = Optional.empty();
            finish(tx, facts, chunks.message(), chunks.content(), tx.headerCheck, conversation);
            return true;
        }
        Optional<Reply> problem = chunks.content().problem();
        if (problem.isPresent()) {
            tx.abandon();
            reply(tx, problem.get(), problem.get().code() == 552 ? "size" : "content", conversation);
            return true;
        }
        conversation.send(new Reply(250, "2.0.0", command.size() + " octets received"));
        return false;
    }

    private static void copy(long size, Conversation conversation, MessageContent content) throws IOException {
        byte[] buffer = new byte[8192];
        long left = size;
        while (left > 0) {
            int n = conversation.in().read(buffer, 0, (int) Math.min(buffer.length, left));
            content.write(buffer, 0, n);
            left -= n;
        }
    }

    private static void discard(long size, Conversation conversation) throws IOException {
        byte[] buffer = new byte[8192];
        long left = size;
        while (left > 0) {
            left -= conversation.in().read(buffer, 0, (int) Math.min(buffer.length, left));
        }
    }

    /** What the header section said about a submitted message, once it was seen. */
    static final class HeaderCheck {
        Optional<Reply> rejection = Optional.empty();
    }

    /** The header section as stored: added fields, then the client's (filtered by the hooks). */
    private byte[] rewriteHeader(byte[] header, Transaction tx, SessionFacts facts, HeaderCheck check, String queueId) {
        byte[] prefix = prefix(header, tx, facts, check, queueId);
        byte[] kept = context.hooks().filterHeader(facts.account(), header);
        byte[] all = java.util.Arrays.copyOf(prefix, prefix.length + kept.length);
        System.arraycopy(kept, 0, all, prefix.length, kept.length);
        return all;
    }

    /** The fields written before the client's header section; also checks From: on submission. */
    private byte[] prefix(byte[] header, Transaction tx, SessionFacts facts, HeaderCheck check, String queueId) {
        HeaderSection section = HeaderSection.parse(header);
        section.values("Message-ID").stream().findFirst().ifPresent(id -> tx.trace.messageId(id.trim()));
        Optional<MailAddress> single = tx.recipients.size() == 1
                ? Optional.of(tx.recipients.getFirst().address()) : Optional.empty();
        StringBuilder prefix = new StringBuilder(new ReceivedHeader(facts.helo(), facts.client(), context.hostname(),
                facts.esmtp(), facts.tls(), facts.account(), queueId, single, context.clock().instant())
                .render());
        if (facts.account().isPresent()) {
            check.rejection = fromRejection(section, facts.account().get());
            // RFC 6409 8.2 and 8.3: an MSA may add a missing Date and Message-ID.
            if (!section.has("Message-ID")) {
                String messageId = "<" + HexFormat.of().formatHex(randomBytes(16)) + "@" + context.hostname() + ">";
                tx.trace.messageId(messageId);
                prefix.append("Message-ID: ").append(messageId).append("\r\n");
            }
            if (!section.has("Date")) {
                prefix.append("Date: ").append(ReceivedHeader.RFC5322_DATE.format(context.clock().instant()))
                        .append("\r\n");
            }
        }
        return prefix.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** RFC 6409 8.1 spirit: every From: mailbox of submitted mail must be the user's own. */
    private Optional<Reply> fromRejection(HeaderSection section, String account) {
        List<String> froms = section.values("From");
        if (froms.isEmpty()) {
            return Optional.of(Reply.NO_FROM);
        }
        for (String from : froms) {
            Optional<List<MailAddress>> addresses = AddressList.parse(from);
            if (addresses.isEmpty() || addresses.get().isEmpty()) {
                return Optional.of(Reply.NO_FROM);
            }
            for (MailAddress address : addresses.get()) {
                if (!envelopes.mayUse(account, address)) {
                    LOG.info("{} may not use From: {}", account, address);
                    return Optional.of(Reply.FROM_NOT_OWNED);
                }
            }
        }
        return Optional.empty();
    }

    private void finish(Transaction tx, SessionFacts facts, IncomingMessage message, MessageContent content,
            HeaderCheck check, Conversation conversation) throws IOException {
        try (message) {
            Optional<Reply> contentProblem = content.finish();
            tx.trace.size(content.size());
            Optional<Reply> problem = contentProblem.or(() -> check.rejection);
            if (problem.isPresent()) {
                LOG.info("message refused: {}", problem.get().text());
                reply(tx, problem.get(), contentProblem.isEmpty() ? "from"
                        : problem.get().code() == 552 ? "size" : "content", conversation);
                return;
            }
            Envelope envelope = new Envelope(tx.sender, tx.recipients, tx.params.body(), tx.params.smtpUtf8(),
                    tx.params.ret(), tx.params.envId(), tx.params.requireTls(), facts.client().getHostAddress(), facts.helo(),
                    facts.account(), context.clock().instant());
            HookVerdict verdict;
            try {
                verdict = context.hooks().afterData(new ReceivedMessage(facts.client(), facts.helo(), tx.sender,
                        tx.recipients, facts.account(), facts.tls(), message::openWritten, tx.trace,
                        Optional.of(message.id())));
            } catch (IOException | RuntimeException e) {
                LOG.error("message checks failed", e);
                reply(tx, Reply.LOCAL_ERROR, "local_error", conversation);
                return;
            }
            switch (verdict) {
                case HookVerdict.Refuse refuse -> {
                    LOG.info("message refused by checks: {} {} {}", refuse.code(), refuse.enhancedCode(), refuse.text());
                    reply(tx, new Reply(refuse.code(), refuse.enhancedCode(), refuse.text()), "checks", conversation);
                    return;
                }
                case HookVerdict.Discard discard -> {
                    // Postfix's answer to a milter's discard: the client is told the message was taken.
                    LOG.info("message {} discarded by checks: {}", message.id(), discard.reason());
                    tx.trace.check("discard", "discarded", discard.reason());
                    Reply taken = Reply.queued(message.id());
                    tx.trace.reply(SmtpSession.line(taken));
                    conversation.send(taken);
                    return;
                }
                case HookVerdict.Accept accept -> {
                    envelope = envelope.withChecks(accept.prependedHeaders(), accept.junk());
                    if (accept.header().isPresent()) {
                        byte[] header = accept.header().get();
                        try {
                            CarrierOffload.call(() -> {
                                message.replaceHeader(header);
                                return null;
                            });
                        } catch (IOException e) {
                            LOG.error("cannot store the header section the checks changed: {}", e.toString());
                            reply(tx, Reply.storageFailure(e), "storage", conversation);
                            return;
                        }
                    }
                }
            }
            Envelope accepted = envelope;
            String queueId;
            try {
                // commit offloads its own blocking steps and waits for the queue's group commit without a carrier
                queueId = message.commit(accepted);
            } catch (IOException e) {
                LOG.error("queue commit failed: {}", e.toString());
                reply(tx, Reply.storageFailure(e), "storage", conversation);
                return;
            }
            LOG.info("queued {} from {} for {} recipient(s), {} bytes", queueId, tx.sender.map(MailAddress::toString)
                    .orElse("<>"), tx.recipients.size(), content.size());
            tx.trace.queued(queueId, accepted.junk());
            Reply queued = Reply.queued(queueId);
            tx.trace.reply(SmtpSession.line(queued));
            conversation.send(queued);
        }
    }

    /** Sends the final reply refusing the message, and records it with why in the transaction's log line. */
    private static void reply(Transaction tx, Reply reply, String reason, Conversation conversation) throws IOException {
        tx.trace.refusedFor(reason);
        tx.trace.reply(SmtpSession.line(reply));
        conversation.send(reply);
    }

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
