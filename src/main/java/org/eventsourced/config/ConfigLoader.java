package org.eventsourced.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the config files and turns them into one validated {@link Config}.
 *
 * <p>Files are applied in order, each on top of the previous ones, key by key: a file that sets only
 * {@code queue.expire} keeps the {@code queue.pattern} of an earlier file. {@code header.cors} and
 * {@code header.sse} are merged per header name; the {@code broker.node} list is replaced as a whole.
 * Keys no file sets keep their defaults.
 */
public final class ConfigLoader {
    /** The system-wide file, read first. */
    public static final Path SYSTEM_FILE = Path.of("/etc/eventsourced/config.yml");

    private ConfigLoader() {
    }

    /**
     * The files looked up when no file is named: {@code /etc/eventsourced/config.yml}, then
     * {@code config.yml} next to the launcher (the jar or binary), which overrides it.
     */
    public static List<Path> defaultLocations(Optional<Path> launcherDir) {
        Set<Path> paths = new LinkedHashSet<>();
        paths.add(SYSTEM_FILE);
        launcherDir.ifPresent(dir -> paths.add(dir.resolve("config.yml")));
        return List.copyOf(paths);
    }

    /**
     * Loads the files that exist, in order; a missing file is skipped, no file at all gives the defaults.
     *
     * @throws ConfigException naming file, line and key of the first problem
     */
    public static Config load(List<Path> files) {
        return load(files, Optional.empty());
    }

    /**
     * Loads {@code optionalFiles} as {@link #load(List)} does, then {@code requiredFile} (the
     * {@code -f FILE} of the command line) on top of them; that one must exist.
     *
     * @throws ConfigException naming file, line and key of the first problem, or the missing required file
     */
    public static Config load(List<Path> optionalFiles, Optional<Path> requiredFile) {
        Settings settings = new Settings();
        List<String> sources = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        int order = 0;
        for (Path file : optionalFiles) {
            apply(settings, YamlDoc.read(file, order++, false), sources, warnings);
        }
        if (requiredFile.isPresent()) {
            apply(settings, YamlDoc.read(requiredFile.get(), order, true), sources, warnings);
        }
        return settings.toConfig(sources, warnings);
    }

    private static void apply(Settings settings, Optional<YamlDoc> doc, List<String> sources, List<String> warnings) {
        if (doc.isPresent()) {
            settings.apply(doc.get(), warnings);
            sources.add(doc.get().file());
        }
    }
}
