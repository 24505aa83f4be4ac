package org.bastionmail.filter.milter;

import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;
import org.bastionmail.filter.Filter;
import org.bastionmail.filter.FilterMessage;
import org.bastionmail.filter.FilterVerdict;

/**
 * A milter client (the Sendmail milter protocol version 6, as Postfix speaks it), so rspamd, OpenDKIM,
 * OpenDMARC or clamav-milter plug into Bastion as into Postfix. One connection per message, opened at the
 * end of DATA: the milter sees the connect, HELO, MAIL, RCPT, header, body and end-of-message steps in one
 * go, with the usual macros. Header changes and quarantine are offered; recipient, sender and body changes
 * are not. Any protocol error, timeout or hang-up is an {@link IOException}: the pipeline's fail rule decides.
 */
public final class MilterClient implements Filter {
    private final SocketAddress address;
    private final Duration timeout;

    public MilterClient(MilterSettings settings) {
        this.address = MilterSettings.socketAddress(settings.address());
        this.timeout = settings.timeout();
    }

    @Override
    public FilterVerdict check(FilterMessage message) throws IOException {
        try (MilterConnection connection = MilterConnection.open(address, timeout)) {
            FilterVerdict verdict = new MilterConversation(connection, message).run();
            try {
                connection.send(MilterProtocol.QUIT, new byte[0]);
                connection.flush();
            } catch (IOException e) {
                // the verdict is in; a milter that hangs up first is fine
            }
            return verdict;
        }
    }
}
