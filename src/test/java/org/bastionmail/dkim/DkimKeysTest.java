package org.bastionmail.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.bastionmail.dns.testserver.StaticResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DkimKeysTest {
    @TempDir
    Path dataDir;

    @ParameterizedTest
    @EnumSource(DkimAlgorithm.class)
    void generatedKeysAreStoredPrivatelyAndLoadBackToTheSameKey(DkimAlgorithm algorithm) throws Exception {
        DkimSigningKey generated = DkimKeys.generate(dataDir, "Example.ORG", "sel2026", algorithm);
        Path file = dataDir.resolve("dkim/example.org/sel2026." + algorithm.keyType() + ".pem");

        assertThat(DkimKeys.keyFile(dataDir, "example.org", "sel2026", algorithm)).isEqualTo(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
        assertThat(Files.readString(file)).startsWith("-----BEGIN PRIVATE KEY-----\n");

        DkimSigningKey loaded = DkimKeys.load(dataDir, "example.org", "sel2026", algorithm);
        assertThat(loaded.dnsRecord()).isEqualTo(generated.dnsRecord())
                .startsWith("v=DKIM1; k=" + algorithm.keyType() + "; p=");
        assertThat(loaded.dnsRecordName()).isEqualTo("sel2026._domainkey.example.org");

        // the loaded key signs what its published record verifies
        byte[] message = DkimSignerTest.msg(DkimSignerTest.MESSAGE);
        byte[] signed = DkimSignerTest.signed(new DkimSigner(loaded, DkimSignerTest.CLOCK), message);
        StaticResolver dns = new StaticResolver().txt(generated.dnsRecordName(), generated.dnsRecord());
        assertThat(new DkimVerifier(dns, DkimSignerTest.CLOCK).verify(signed)).extracting(DkimResult::verdict)
                .containsExactly(DkimVerdict.PASS);
    }

    @Test
    void anExistingKeyIsNeverOverwritten() throws Exception {
        DkimKeys.generate(dataDir, "example.org", "s1", DkimAlgorithm.ED25519_SHA256);
        String before = Files.readString(DkimKeys.keyFile(dataDir, "example.org", "s1", DkimAlgorithm.ED25519_SHA256));

        assertThatThrownBy(() -> DkimKeys.generate(dataDir, "example.org", "s1", DkimAlgorithm.ED25519_SHA256))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(DkimKeys.keyFile(dataDir, "example.org", "s1", DkimAlgorithm.ED25519_SHA256)))
                .isEqualTo(before);
    }

    @Test
    void namesThatCouldEscapeTheDirectoryAreRefused() {
        for (String bad : new String[] {"../etc", "a/b", "", "a..b", ".hidden", "a b"}) {
            assertThatThrownBy(() -> DkimKeys.keyFile(dataDir, bad, "s", DkimAlgorithm.RSA_SHA256))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> DkimKeys.keyFile(dataDir, "example.org", bad, DkimAlgorithm.RSA_SHA256))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aPkcs1RsaKeyFromAnotherToolLoads() throws Exception {
        Path pem = DkimTestVectorsTest.DATA.resolve("dkimpy/test.private");
        DkimSigningKey key = DkimKeys.read(pem, "football.example.com", "test", DkimAlgorithm.RSA_SHA256);

        String published = Files.readString(DkimTestVectorsTest.DATA.resolve("dkimpy/test.txt"), StandardCharsets.US_ASCII);
        assertThat(published).contains(key.dnsRecord().substring(key.dnsRecord().indexOf("p=")));
    }

    @Test
    void garbageIsNotAKey() throws Exception {
        Path file = dataDir.resolve("junk.pem");
        Files.writeString(file, "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> DkimKeys.read(file, "example.org", "s", DkimAlgorithm.ED25519_SHA256))
                .isInstanceOf(java.io.IOException.class);
    }
}
