package org.bastionmail.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.util.ArrayList;
import java.util.List;
import org.bastionmail.config.Config;
import org.bastionmail.dkim.DkimAlgorithm;
import org.bastionmail.dkim.DkimKeys;
import org.bastionmail.dkim.DkimSigningKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bastion dkim keygen}: signing keys in data_dir and the DNS records to publish for them. */
@Command(name = "dkim", description = "Manage DKIM signing keys.", mixinStandardHelpOptions = true)
final class DkimCommand {
    /** TXT character-strings hold at most 255 bytes (RFC 1035 3.3.14); longer values are split. */
    private static final int TXT_STRING = 255;

    enum Algorithms { ed25519, rsa, both }

    @Command(name = "keygen", description = {"Create a signing key pair for DOMAIN in data_dir/dkim and print the "
            + "DNS TXT record to publish.", "With --algorithm both, the keys get the selectors SELECTOR-ed25519 and "
            + "SELECTOR-rsa, as one DNS name should hold one key."})
    void keygen(@Mixin ConfigOption option, @Parameters(paramLabel = "DOMAIN") String domain,
                @Option(names = "--selector", paramLabel = "S", defaultValue = "bastion",
                        description = "the selector (default: ${DEFAULT-VALUE})") String selector,
                @Option(names = "--algorithm", paramLabel = "ALG", defaultValue = "both",
                        description = "ed25519, rsa or both (default: ${DEFAULT-VALUE})") Algorithms algorithms) {
        Config config = option.load();
        List<DkimSigningKey> keys = new ArrayList<>();
        for (DkimAlgorithm algorithm : chosen(algorithms)) {
            String s = algorithms == Algorithms.both ? selector + "-" + algorithm.keyType() : selector;
            try {
                keys.add(DkimKeys.generate(config.dataDir(), domain, s, algorithm));
            } catch (FileAlreadyExistsException e) {
                throw new IllegalArgumentException("a key already exists: " + e.getFile() + " (choose another --selector)");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot store the key: " + e.getMessage(), e);
            }
        }
        for (DkimSigningKey key : keys) {
            System.out.println("created " + key.algorithm().tag() + " key "
                    + DkimKeys.keyFile(config.dataDir(), key.domain(), key.selector(), key.algorithm()));
            System.out.println("name:  " + key.dnsRecordName());
            System.out.println("value: " + key.dnsRecord());
            System.out.println("zone:  " + key.dnsRecordName() + ". IN TXT " + zoneStrings(key.dnsRecord()));
            System.out.println();
        }
    }

    private static List<DkimAlgorithm> chosen(Algorithms algorithms) {
        return switch (algorithms) {
            case ed25519 -> List.of(DkimAlgorithm.ED25519_SHA256);
            case rsa -> List.of(DkimAlgorithm.RSA_SHA256);
            case both -> List.of(DkimAlgorithm.ED25519_SHA256, DkimAlgorithm.RSA_SHA256);
        };
    }

    /** The value as quoted character-strings of at most 255 bytes; DKIM joins them (RFC 6376 3.6.2.2). */
    static String zoneStrings(String value) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length(); i += TXT_STRING) {
            if (!out.isEmpty()) {
                out.append(' ');
            }
            out.append('"').append(value, i, Math.min(value.length(), i + TXT_STRING)).append('"');
        }
        return value.length() > TXT_STRING ? "( " + out + " )" : out.toString();
    }
}
