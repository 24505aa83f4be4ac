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
            conversation.send(Reply.storageFailure(e));
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
            transaction.ifPresent(Transaction::abandon);
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
                conversation.send(Reply.storageFailure(e));
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
            conversation.send(problem.get());
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
        Optional<MailAddress> single = tx.recipients.size() == 1
                ? Optional.of(tx.recipients.getFirst().address()) : Optional.empty();
        StringBuilder prefix = new StringBuilder(new ReceivedHeader(facts.helo(), facts.client(), context.hostname(),
                facts.esmtp(), facts.tls(), facts.account(), queueId, single, context.clock().instant())
                .render());
        if (facts.account().isPresent()) {
            check.rejection = fromRejection(section, facts.account().get());
            // RFC 6409 8.2 and 8.3: an MSA may add a missing Date and Message-ID.
            if (!section.has("Message-ID")) {
                prefix.append("Message-ID: <").append(HexFormat.of().formatHex(randomBytes(16)))
                        .append('@').append(context.hostname()).append(">\r\n");
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
            Optional<Reply> problem = content.finish().or(() -> check.rejection);
            if (problem.isPresent()) {
                LOG.info("message refused: {}", problem.get().text());
                conversation.send(problem.get());
                return;
            }
            Envelope envelope = new Envelope(tx.sender, tx.recipients, tx.params.body(), tx.params.smtpUtf8(),
                    tx.params.ret(), tx.params.envId(), tx.params.requireTls(), facts.client().getHostAddress(), facts.helo(),
                    facts.account(), context.clock().instant());
            HookVerdict verdict;
            try {
                verdict = context.hooks().afterData(new ReceivedMessage(facts.client(), facts.helo(), tx.sender,
                        tx.recipients, facts.account(), facts.tls(), message::openWritten));
            } catch (IOException | RuntimeException e) {
                LOG.error("message checks failed", e);
                conversation.send(Reply.LOCAL_ERROR);
                return;
            }
            switch (verdict) {
                case HookVerdict.Refuse refuse -> {
                    LOG.info("message refused by checks: {} {} {}", refuse.code(), refuse.enhancedCode(), refuse.text());
                    conversation.send(new Reply(refuse.code(), refuse.enhancedCode(), refuse.text()));
                    return;
                }
                case HookVerdict.Accept accept -> envelope = envelope.withChecks(accept.prependedHeaders(), accept.junk());
            }
            Envelope accepted = envelope;
            String queueId;
            try {
                queueId = CarrierOffload.call(() -> message.commit(accepted));
            } catch (IOException e) {
                LOG.error("queue commit failed: {}", e.toString());
                conversation.send(Reply.storageFailure(e));
                return;
            }
            LOG.info("queued {} from {} for {} recipient(s), {} bytes", queueId, tx.sender.map(MailAddress::toString)
                    .orElse("<>"), tx.recipients.size(), content.size());
            conversation.send(Reply.queued(queueId));
        }
    }

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
