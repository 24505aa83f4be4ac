package org.bastionmail.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.bastionmail.dns.testserver.StaticResolver;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The published DKIM vectors in /work/shared/testdata/dkim (see its README): every signature must pass. */
class DkimTestVectorsTest {
    static final Path DATA = Path.of(System.getProperty("bastion.testdata", "/work/shared/testdata"), "dkim");
    // Stalwart's fixed verification time (README): 005 carries x=1667930064
    static final Clock STALWART_CLOCK = Clock.fixed(Instant.ofEpochSecond(1667843664), ZoneOffset.UTC);

    @ParameterizedTest
    @ValueSource(strings = {"001", "002", "003", "004", "005", "006"})
    void stalwartVectorsPass(String name) throws IOException {
        String text = Files.readString(DATA.resolve("stalwart-mail-auth/dkim/" + name + ".txt"), StandardCharsets.ISO_8859_1);
        int split = text.indexOf("\n\n");
        StaticResolver dns = new StaticResolver();
        for (String line : text.substring(0, split).split("\n")) {
            int space = line.indexOf(' ');
            dns.txt(line.substring(0, space), line.substring(space + 1));
        }
        byte[] message = crlf(text.substring(split + 2));

        List<DkimResult> results = new DkimVerifier(dns, STALWART_CLOCK).verify(message);

        assertThat(results).isNotEmpty().allSatisfy(r -> assertThat(r.verdict()).as(r.toString()).isEqualTo(DkimVerdict.PASS));
    }

    @Test
    void dkimpySignedSampleHasTwoPassingSignatures() throws IOException {
        StaticResolver dns = dkimpyDns();
        byte[] message = crlf(Files.readString(DATA.resolve("dkimpy/rfc6376.signed.msg"), StandardCharsets.ISO_8859_1));

        List<DkimResult> results = new DkimVerifier(dns, Clock.systemUTC()).verify(message);

        assertThat(results).extracting(DkimResult::verdict).containsExactly(DkimVerdict.PASS, DkimVerdict.PASS);
        assertThat(results).extracting(DkimResult::algorithm).containsExactly("ed25519-sha256", "rsa-sha256");
        assertThat(results).extracting(DkimResult::selector).containsExactly("brisbane", "test");
        assertThat(results).allSatisfy(r -> assertThat(r.domain()).isEqualTo("football.example.com"));
    }

    static StaticResolver dkimpyDns() throws IOException {
        return new StaticResolver()
                .txt("brisbane._domainkey.football.example.com",
                        "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=")
                .txt("test._domainkey.football.example.com",
                        Files.readString(DATA.resolve("dkimpy/test.txt")).strip());
    }

    static byte[] crlf(String lf) {
        return lf.replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }
}
