package org.eventsourced.config;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes config files into a test's temp directory and loads them. */
record ConfigFiles(Path dir) {
    Path write(String name, String yaml) {
        try {
            return Files.writeString(dir.resolve(name), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Config load(String yaml) {
        return ConfigLoader.load(List.of(write("config.yml", yaml)));
    }

    /** The message of the error loading {@code yaml} gives, with the temp file's path shown as "config.yml". */
    String error(String yaml) {
        Path file = write("config.yml", yaml);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of(file)));
        return e.getMessage().replace(file.toString(), "config.yml");
    }
}
