package org.bastionmail.delivery;

import java.io.IOException;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.bastionmail.dane.DaneLookup;
import org.bastionmail.dane.DanePolicy;
import org.bastionmail.dane.DaneVerdict;
import org.bastionmail.dns.DnssecStatus;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.mtasts.MtaSts;
import org.bastionmail.mtasts.StsCertificateCheck;
import org.bastionmail.mtasts.StsDiscovery;
import org.bastionmail.mtasts.StsMode;
import org.bastionmail.mtasts.StsPolicy;
import org.bastionmail.mtasts.StsVerdict;
import org.bastionmail.queue.Envelope;
import org.bastionmail.routing.MxResolver;
import org.bastionmail.routing.Route;
import org.bastionmail.routing.RouteHost;
import org.bastionmail.routing.Smarthost;
import org.bastionmail.smtp.client.CertificateCheck;
import org.bastionmail.smtp.client.ClientSettings;
import org.bastionmail.smtp.client.Endpoint;
import org.bastionmail.smtp.client.MessageResult;
import org.bastionmail.smtp.client.OutboundMessage;
import org.bastionmail.smtp.client.RecipientResult;
import org.bastionmail.smtp.client.RecipientStatus;
import org.bastionmail.smtp.client.SmtpClientException;
import org.bastionmail.smtp.client.SmtpConnection;
import org.bastionmail.smtp.client.TlsPolicy;
import org.bastionmail.tlsrpt.FailureDetail;
import org.bastionmail.tlsrpt.PolicyType;
import org.bastionmail.tlsrpt.ResultType;
import org.bastionmail.tlsrpt.TlsResultRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays over SMTP: routes the destination (MX records, or the smarthost), chooses the TLS policy of each
 * host — DANE when secure TLSA records exist (RFC 7672), else MTA-STS (RFC 8461), else opportunistic
 * STARTTLS — tries every host in order until one takes the messages, and records TLS results for
 * reporting (RFC 8460).
 *
 * <p>REQUIRETLS messages (RFC 8689 4.2.1) go only to a host whose name is authentic (a DNSSEC-secure MX
 * answer, an implicit MX, an MTA-STS policy listing it, or the configured smarthost), over TLS whose
 * certificate was verified (DANE, MTA-STS, or PKIX for the host name), to a server offering REQUIRETLS.
 * A host that falls short is passed over for those messages only; when no host qualifies they fail
 * permanently (5.7.10, or 5.7.30 when TLS was fine but REQUIRETLS was not offered).
 */
public final class SmtpTransport implements OutboundTransport {
    private static final Logger LOG = LoggerFactory.getLogger(SmtpTransport.class);
    /** RFC 8689 4.2.1: the codes of a REQUIRETLS message refused for want of verified TLS or of the extension. */
    private static final Set<String> REQUIRETLS_REFUSALS = Set.of("5.7.10", "5.7.30");

    private final MxResolver routes;
    private final Optional<Smarthost> smarthost;
    private final DaneLookup dane;
    private final MtaSts mtaSts;
    private final StsCertificateCheck stsCheck;
    private final TlsResultRecorder tlsResults;
    private final ClientSettings client;
    private final Function<String, CertificateCheck> pkix;

    public SmtpTransport(MxResolver routes, Optional<Smarthost> smarthost, DaneLookup dane, MtaSts mtaSts,
            StsCertificateCheck stsCheck, TlsResultRecorder tlsResults, ClientSettings client) {
        this(routes, smarthost, dane, mtaSts, stsCheck, tlsResults, client, CertificateCheck::systemTrust);
    }

    /**
     * @param pkix the PKIX check of a host name where neither DANE nor MTA-STS applies (the system trust
     *     store by default; tests and private networks give their own anchors): it decides whether an
     *     opportunistic connection counts as verified, which REQUIRETLS messages need, and it must pass for
     *     the smarthost
     */
    public SmtpTransport(MxResolver routes, Optional<Smarthost> smarthost, DaneLookup dane, MtaSts mtaSts,
            StsCertificateCheck stsCheck, TlsResultRecorder tlsResults, ClientSettings client,
            Function<String, CertificateCheck> pkix) {
        this.pkix = pkix;
        this.routes = routes;
        this.smarthost = smarthost;
        this.dane = dane;
        this.mtaSts = mtaSts;
        this.stsCheck = stsCheck;
        this.tlsResults = tlsResults;
        this.client = client;
    }

    /** How to secure the connection to one host, or why not to connect at all. */
    private sealed interface Plan {
        /** @param authenticName whether the host's name is secure enough for REQUIRETLS (RFC 8689 4.2.1 step 2) */
        record Connect(TlsPolicy policy, org.bastionmail.tlsrpt.TlsPolicy reported, boolean authenticName)
                implements Plan {}

        record Skip(String reason) implements Plan {}
    }

    @Override
    public Map<Key, Outcome> deliver(String domain, List<Message> messages) {
        Map<Key, Outcome> outcomes = new HashMap<>();
        Route route = smarthost.map(routes::smarthost).orElseGet(() -> routes.route(domain));
        switch (route) {
            case Route.PermanentFailure p -> everyone(messages, outcomes, new Outcome.PermFailed(p.status() + " " + p.reason()));
            case Route.TemporaryFailure t -> everyone(messages, outcomes, new Outcome.TempFailed(t.status() + " " + t.reason()));
            case Route.Hosts hosts -> deliver(domain, hosts, messages, outcomes);
        }
        return outcomes;
    }

    private void deliver(String domain, Route.Hosts hosts, List<Message> messages, Map<Key, Outcome> outcomes) {
        Optional<StsPolicy> sts = smarthost.isPresent() ? Optional.empty() : stsPolicy(domain);
        String lastProblem = "4.4.1 no server of " + domain + " could be reached";
        Map<Key, String> requireTlsRefusals = new HashMap<>();
        hosts:
        for (RouteHost host : hosts.usable()) {
            Plan plan = plan(domain, hosts, host, sts);
            if (plan instanceof Plan.Skip skip) {
                LOG.info("{}: not using {}: {}", domain, host.name(), skip.reason());
                lastProblem = skip.reason();
                continue;
            }
            Plan.Connect connect = (Plan.Connect) plan;
            for (Endpoint endpoint : host.endpoints(hosts.port(), hosts.security())) {
                Optional<String> problem = deliverOver(endpoint, connect, hosts, messages, outcomes, requireTlsRefusals);
                if (problem.isEmpty()) {
                    // RFC 8689 4.2.1: REQUIRETLS messages this host could not take try the next MX host
                    if (messages.stream().allMatch(m -> open(m, outcomes).isEmpty())) {
                        return;
                    }
                    continue hosts;
                }
                lastProblem = problem.get();
            }
        }
        // RFC 8689 4.2.1: no host met the sender's requirement: a non-delivery report, never a downgrade
        requireTlsRefusals.forEach((key, reason) -> outcomes.putIfAbsent(key, new Outcome.PermFailed(reason)));
        lastProblem = ignoringTlsPolicies(hosts, messages, outcomes, lastProblem);
        everyone(messages, outcomes, new Outcome.TempFailed(lastProblem));
    }

    /** Sends what has no outcome yet over one connection; returns why it could not finish, if it could not. */
    private Optional<String> deliverOver(Endpoint endpoint, Plan.Connect plan, Route.Hosts hosts, List<Message> messages,
            Map<Key, Outcome> outcomes, Map<Key, String> requireTlsRefusals) {
        try (SmtpConnection connection = SmtpConnection.open(endpoint, plan.policy(), client)) {
            String tls = connection.tls().map(t -> t.summary()).orElse("no TLS");
            if (connection.tls().isPresent()) {
                tlsResults.success(plan.reported());
            }
            if (hosts.credentials().isPresent()) {
                connection.authenticate(hosts.credentials().get());
            }
            for (Message message : messages) {
                List<Envelope.Recipient> open = open(message, outcomes);
                if (open.isEmpty()) {
                    continue;
                }
                if (!connection.usable()) {
                    return Optional.of("4.4.2 connection to " + endpoint.hostname() + " lost");
                }
                boolean requireTls = message.envelope().requireTls() && message.envelope().sender().isPresent();
                if (requireTls && !plan.authenticName()) {
                    // RFC 8689 4.2.1 step 2: the client does not know how the host was found, so it is checked here
                    for (Envelope.Recipient r : open) {
                        requireTlsRefusals.put(new Key(message.queueId(), r.address()), "5.7.10 REQUIRETLS: the name "
                                + endpoint.hostname() + " is secured neither by DNSSEC nor by an MTA-STS policy");
                    }
                    continue;
                }
                OutboundMessage outbound = OutboundMessage.of(message.envelope(), open,
                        new QueuedContent(message.envelope().prependedHeaders(), message.content()));
                MessageResult result = connection.send(outbound);
                for (RecipientResult r : result.recipients()) {
                    Key key = new Key(message.queueId(), r.recipient().address());
                    if (requireTls && r.status() instanceof RecipientStatus.PermFailed f && f.reply().local()
                            && REQUIRETLS_REFUSALS.contains(f.reply().status())) {
                        // the client refused it here (unverified TLS, no REQUIRETLS): another host may do
                        requireTlsRefusals.put(key, f.reply().status() + " " + endpoint.hostname() + ": " + f.reply().text());
                        continue;
                    }
                    switch (r.status()) {
                        case RecipientStatus.Delivered d -> outcomes.put(key, new Outcome.Delivered(
                                endpoint.hostname() + " [" + endpoint.address().getAddress().getHostAddress() + "] said "
                                        + d.reply() + " (" + tls + ")"));
                        case RecipientStatus.PermFailed f -> outcomes.put(key, new Outcome.PermFailed(
                                f.reply().status() + " " + endpoint.hostname() + " said: " + f.reply()));
                        // A temporary refusal from a server that answered counts; a lost connection tries the next host.
                        case RecipientStatus.TempFailed t -> {
                            if (result.connectionFailure().isEmpty()) {
                                outcomes.put(key, new Outcome.TempFailed(t.reply().status() + " " + endpoint.hostname()
                                        + " said: " + t.reply()));
                            }
                        }
                    }
                }
                if (result.connectionFailure().isPresent()) {
                    return Optional.of("4.4.2 " + endpoint.hostname() + ": " + result.connectionFailure().get().detail());
                }
            }
            return Optional.empty();
        } catch (SmtpClientException e) {
            LOG.info("{}: {}", endpoint.hostname(), e.failure().detail());
            reportTlsFailure(plan, endpoint, e);
            return Optional.of("4.4.1 " + endpoint.hostname() + ": " + e.failure().detail());
        } catch (IOException e) {
            return Optional.of("4.3.0 cannot read the queued message: " + e.getMessage());
        }
    }

    private void reportTlsFailure(Plan.Connect plan, Endpoint endpoint, SmtpClientException e) {
        ResultType type = switch (e.failure().stage()) {
            case STARTTLS -> ResultType.STARTTLS_NOT_SUPPORTED;
            case CERTIFICATE -> plan.reported().type() == PolicyType.TLSA ? ResultType.TLSA_INVALID : ResultType.VALIDATION_FAILURE;
            case TLS_HANDSHAKE -> ResultType.VALIDATION_FAILURE;
            default -> null;
        };
        if (type != null) {
            tlsResults.failure(plan.reported(), FailureDetail.of(type, endpoint.hostname()));
        }
    }

    /** RFC 7672 2.2 first: DANE wins over MTA-STS; RFC 8461 then; opportunistic STARTTLS otherwise. */
    private Plan plan(String domain, Route.Hosts hosts, RouteHost host, Optional<StsPolicy> sts) {
        if (smarthost.isPresent()) {
            // A smarthost is our own choice: its certificate must be valid for its name, by the same anchors.
            return new Plan.Connect(new TlsPolicy.RequiredVerified(pkix.apply(host.name())),
                    org.bastionmail.tlsrpt.TlsPolicy.none(domain), true);
        }
        // RFC 8689 4.2.1 step 2: an MX answer must be DNSSEC-secure, or MTA-STS must vouch for the name
        boolean authenticName = hosts.implicitMx() || hosts.mxDnssec() == DnssecStatus.SECURE
                || sts.filter(p -> p.mode() != StsMode.NONE && p.mxMatches(host.name())).isPresent();
        DnssecStatus addresses = host.addressesSecure() ? DnssecStatus.SECURE : DnssecStatus.INSECURE;
        DanePolicy danePolicy = dane.policy(host.name(), hosts.mxDnssec(), addresses);
        switch (danePolicy) {
            case DanePolicy.Required required -> {
                org.bastionmail.tlsrpt.TlsPolicy reported = new org.bastionmail.tlsrpt.TlsPolicy(PolicyType.TLSA,
                        required.records().stream().map(Object::toString).toList(), domain, List.of(host.name()));
                return new Plan.Connect(new TlsPolicy.RequiredVerified(chain -> {
                    if (required.verify(chain, host.name()) instanceof DaneVerdict.Failed failed) {
                        throw new CertificateException("DANE: " + failed.reason());
                    }
                }), reported, authenticName);
            }
            case DanePolicy.EncryptOnly e -> {
                // REQUIRETLS messages are then refused (5.7.10): the connection is never verified
                return new Plan.Connect(new TlsPolicy.RequiredUnverified(), org.bastionmail.tlsrpt.TlsPolicy.none(domain),
                        authenticName);
            }
            case DanePolicy.TemporaryFailure t -> {
                return new Plan.Skip("4.7.5 DANE lookup for " + host.name() + " failed: " + t.reason());
            }
            case DanePolicy.NotApplicable n -> { }
        }
        if (sts.isPresent() && sts.get().mode() != StsMode.NONE) {
            StsPolicy policy = sts.get();
            org.bastionmail.tlsrpt.TlsPolicy reported = new org.bastionmail.tlsrpt.TlsPolicy(PolicyType.STS,
                    policy.lines(), domain, policy.mx());
            StsVerdict mx = stsCheck.checkMx(policy, host.name());
            if (policy.mode() == StsMode.ENFORCE) {
                if (!mx.allowsDelivery()) {
                    tlsResults.failure(reported, FailureDetail.of(ResultType.VALIDATION_FAILURE, host.name()));
                    return new Plan.Skip("4.7.5 MTA-STS policy of " + domain + " does not list " + host.name());
                }
                return new Plan.Connect(new TlsPolicy.RequiredVerified(chain -> {
                    if (stsCheck.checkCertificate(policy, host.name(), chain, "UNKNOWN") instanceof StsVerdict.Fail fail) {
                        throw new CertificateException("MTA-STS: " + fail.detail());
                    }
                }), reported, authenticName);
            }
            // testing: deliver whatever happens, and report what would have failed; the exception only marks
            // the connection unverified (TlsInfo.verified), which REQUIRETLS messages look at
            return new Plan.Connect(new TlsPolicy.Opportunistic(Optional.of(chain -> {
                if (stsCheck.checkCertificate(policy, host.name(), chain, "UNKNOWN") instanceof StsVerdict.Fail fail) {
                    tlsResults.failure(reported, FailureDetail.of(fail.type(), host.name()));
                    throw new CertificateException("MTA-STS (testing): " + fail.detail());
                }
            })), reported, authenticName);
        }
        // Never stops delivery; it says whether the peer was verified, for the log and for REQUIRETLS
        return new Plan.Connect(new TlsPolicy.Opportunistic(Optional.of(pkix.apply(host.name()))),
                org.bastionmail.tlsrpt.TlsPolicy.none(domain), authenticName);
    }

    private Optional<StsPolicy> stsPolicy(String domain) {
        return switch (mtaSts.discover(domain)) {
            case StsDiscovery.Found found -> Optional.of(found.policy());
            case StsDiscovery.Absent a -> Optional.empty();
            case StsDiscovery.Unavailable u -> Optional.empty();
        };
    }

    /**
     * RFC 8689 5: a message whose sender wrote {@code TLS-Required: No} should still go when DANE or MTA-STS
     * would stop it: the messages left undelivered get one more round over opportunistic TLS.
     *
     * @return the last problem seen
     */
    private String ignoringTlsPolicies(Route.Hosts hosts, List<Message> messages, Map<Key, Outcome> outcomes,
            String lastProblem) {
        List<Message> relaxed = messages.stream()
                .filter(m -> !m.envelope().requireTls() && !open(m, outcomes).isEmpty() && TlsRequiredField.saysNo(m))
                .toList();
        if (relaxed.isEmpty() || smarthost.isPresent()) {
            return lastProblem;
        }
        String problem = lastProblem;
        Plan.Connect opportunistic = new Plan.Connect(TlsPolicy.opportunistic(),
                org.bastionmail.tlsrpt.TlsPolicy.none(relaxed.getFirst().recipients().getFirst().domain()), false);
        for (RouteHost host : hosts.usable()) {
            for (Endpoint endpoint : host.endpoints(hosts.port(), hosts.security())) {
                Optional<String> failed = deliverOver(endpoint, opportunistic, hosts, relaxed, outcomes, new HashMap<>());
                if (failed.isEmpty()) {
                    LOG.info("{}: delivered without TLS policy checks, as TLS-Required: No asks", endpoint.hostname());
                    return problem;
                }
                problem = failed.get();
            }
        }
        return problem;
    }

    private static List<Envelope.Recipient> open(Message message, Map<Key, Outcome> outcomes) {
        List<Envelope.Recipient> open = new ArrayList<>();
        for (MailAddress address : message.recipients()) {
            if (!outcomes.containsKey(new Key(message.queueId(), address))) {
                message.envelope().recipients().stream().filter(r -> r.address().equals(address)).findFirst()
                        .ifPresentOrElse(open::add, () -> open.add(Envelope.Recipient.of(address)));
            }
        }
        return open;
    }

    private static void everyone(List<Message> messages, Map<Key, Outcome> outcomes, Outcome outcome) {
        for (Message message : messages) {
            for (MailAddress address : message.recipients()) {
                outcomes.putIfAbsent(new Key(message.queueId(), address), outcome);
            }
        }
    }
}
