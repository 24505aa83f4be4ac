package org.bastionmail.cli;

import java.nio.file.Path;
import java.util.Optional;
import org.bastionmail.config.Config;
import org.bastionmail.config.ConfigException;
import org.bastionmail.config.ConfigLoader;
import picocli.CommandLine.Option;

/** The {@code --config FILE} option every command shares; without it, the local default instance. */
final class ConfigOption {
    static final Path LOCAL_DATA_DIR = Path.of("bastion-data");

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "configuration file (TOML); default: a local instance in ./bastion-data")
    Optional<Path> file = Optional.empty();

    Config load() {
        if (file.isEmpty()) {
            return Config.localDefault(LOCAL_DATA_DIR.toAbsolutePath());
        }
        try {
            return ConfigLoader.load(file.get());
        } catch (ConfigException e) {
            throw new IllegalArgumentException("configuration refused:" + System.lineSeparator() + e.getMessage());
        }
    }
}
