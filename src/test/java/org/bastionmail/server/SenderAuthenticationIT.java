package org.bastionmail.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.bastionmail.dkim.DkimAlgorithm;
import org.bastionmail.dkim.DkimKeys;
import org.bastionmail.dkim.DkimSigner;
import org.bastionmail.dkim.DkimSigningKey;
import org.bastionmail.dns.testserver.TestZone;
import org.bastionmail.store.StoredMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spoofed and genuine mail through the MX port, with SPF, DKIM and DMARC records served by a DNS server on
 * loopback: each message is handled as the default policy says.
 */
class SenderAuthenticationIT {
    private static final String SOA = "@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\n";

    @TempDir
    static Path dataDir;
    static RunningServer server;
    static DkimSigningKey signedOrgKey;

    @BeforeAll
    static void start() throws Exception {
        signedOrgKey = DkimKeys.generate("signed.org", "s1", DkimAlgorithm.ED25519_SHA256);
        server = RunningServer.start(dataDir, org.bastionmail.config.Config.Limits.defaults(),
                // genuine: our loopback address may send for it
                TestZone.parse("genuine.org", SOA + """
                        @ TXT "v=spf1 ip4:127.0.0.0/8 -all"
                        _dmarc TXT "v=DMARC1; p=reject"
                        """),
                // a bank that forbids everyone and rejects failures
                TestZone.parse("bank.org", SOA + """
                        @ TXT "v=spf1 -all"
                        _dmarc TXT "v=DMARC1; p=reject; rua=mailto:dmarc@bank.org"
                        """),
                // a shop that asks for quarantine
                TestZone.parse("shop.org", SOA + """
                        @ TXT "v=spf1 -all"
                        _dmarc TXT "v=DMARC1; p=quarantine"
                        """),
                // SPF fails (forwarded mail), but an aligned DKIM signature passes
                TestZone.parse("signed.org", SOA + """
                        @ TXT "v=spf1 -all"
                        _dmarc TXT "v=DMARC1; p=reject"
                        s1._domainkey TXT "%s"
                        """.formatted(signedOrgKey.dnsRecord())),
                // its DMARC record cannot be fetched
                TestZone.parse("slow.org", SOA + """
                        @ TXT "v=spf1 -all"
                        _dmarc TXT "v=DMARC1; p=reject"
                        """));
        server.dns().drop("_dmarc.slow.org");
        server.addUser("victim@example.test", "victim's password");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String send(String mailFrom, String message) throws Exception {
        try (RawSmtpClient smtp = new RawSmtpClient(server.port("smtp"))) {
            smtp.reply();
            smtp.command("EHLO sender.example.test");
            smtp.command("MAIL FROM:<" + mailFrom + ">");
            smtp.command("RCPT TO:<victim@example.test>");
            smtp.command("DATA");
            return smtp.command(message + ".");
        }
    }

    private static String message(String from, String token) {
        return "From: " + from + "\r\nTo: victim@example.test\r\nSubject: " + token
                + "\r\nAuthentication-Results: mx.example.test; dmarc=pass header.from=forged.example\r\n"
                + "\r\nHello, token " + token + "\r\n";
    }

    private static List<String> mailbox(String name) throws Exception {
        server.server().delivery().awaitIdle(Duration.ofSeconds(10));
        List<String> texts = new java.util.ArrayList<>();
        for (StoredMessage m : server.server().store().messages("victim@example.test", name)) {
            try (var in = server.server().store().openContent("victim@example.test", name, m.uid()).orElseThrow()) {
                texts.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return texts;
    }

    @Test
    void genuineMailIsDeliveredWithItsVerdictsAndWithoutTheForgedOnes() throws Exception {
        String token = UUID.randomUUID().toString();
        assertThat(send("news@genuine.org", message("news@genuine.org", token))).startsWith("250 ");
        assertThat(mailbox("INBOX")).filteredOn(m -> m.contains(token)).singleElement().satisfies(m -> {
            assertThat(m).startsWith("Authentication-Results: mx.example.test;");
            assertThat(m).contains("spf=pass smtp.mailfrom=news@genuine.org").contains("dmarc=pass");
            // the HELO name sender.example.test does not exist: recorded, not enforced
            assertThat(m).contains("smtp.helo=sender.example.test").contains("HELO name no address");
            assertThat(m).doesNotContain("forged.example");
        });
    }

    @Test
    void aSpoofedBankIsRejected() throws Exception {
        String token = UUID.randomUUID().toString();
        assertThat(send("security@bank.org", message("security@bank.org", token))).startsWith("550 5.7.1");
        assertThat(mailbox("INBOX")).noneMatch(m -> m.contains(token));
    }

    @Test
    void aSpoofedSenderWithAnInnocentEnvelopeIsStillCaughtByDmarc() throws Exception {
        String token = UUID.randomUUID().toString();
        // SPF passes for the envelope domain, but the From: the user sees is the bank's.
        assertThat(send("bounce@genuine.org", message("\"Bank\" <security@bank.org>", token))).startsWith("550 5.7.1");
        assertThat(mailbox("INBOX")).noneMatch(m -> m.contains(token));
    }

    @Test
    void dmarcEvaluationsAreRecordedForAggregateReports() throws Exception {
        String token = UUID.randomUUID().toString();
        send("security@bank.org", message("security@bank.org", token));
        List<org.bastionmail.dmarc.AggregateRecord> records = org.bastionmail.dmarc.AggregateReportLog.open(dataDir)
                .read(java.time.LocalDate.now(java.time.ZoneOffset.UTC));
        assertThat(records).anySatisfy(r -> {
            assertThat(r.headerFrom()).isEqualTo("bank.org");
            assertThat(r.envelopeFrom()).isEqualTo("bank.org");
            assertThat(r.sourceIp()).isEqualTo("127.0.0.1");
            assertThat(r.disposition()).isEqualTo("reject");
            assertThat(r.spfAligned()).isFalse();
            assertThat(r.published().p()).isEqualTo("reject");
            assertThat(r.published().rua()).containsExactly("mailto:dmarc@bank.org");
            assertThat(r.spf()).anySatisfy(s -> assertThat(s.result()).isEqualTo("fail"));
        });
    }

    @Test
    void quarantineGoesToJunk() throws Exception {
        String token = UUID.randomUUID().toString();
        assertThat(send("offers@shop.org", message("offers@shop.org", token))).startsWith("250 ");
        assertThat(mailbox("Junk")).filteredOn(m -> m.contains(token)).singleElement()
                .satisfies(m -> assertThat(m).contains("dmarc=fail"));
        assertThat(mailbox("INBOX")).noneMatch(m -> m.contains(token));
    }

    @Test
    void anAlignedDkimSignatureRescuesAnSpfFailure() throws Exception {
        String token = UUID.randomUUID().toString();
        String unsigned = message("list@signed.org", token);
        String signature = new DkimSigner(signedOrgKey, Clock.systemUTC()).sign(unsigned.getBytes(StandardCharsets.UTF_8));
        assertThat(send("list@signed.org", signature + unsigned)).startsWith("250 ");
        assertThat(mailbox("INBOX")).filteredOn(m -> m.contains(token)).singleElement().satisfies(m -> {
            assertThat(m).contains("spf=fail").contains("dkim=pass").contains("header.d=signed.org").contains("dmarc=pass");
        });
    }

    @Test
    void aDnsFailureThatCouldHaveRejectedIsATemporaryFailure() throws Exception {
        String token = UUID.randomUUID().toString();
        assertThat(send("x@slow.org", message("x@slow.org", token))).matches("451 4\\.7\\.\\d+ .*");
        assertThat(mailbox("INBOX")).noneMatch(m -> m.contains(token));
    }
}
