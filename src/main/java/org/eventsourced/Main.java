package org.eventsourced;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.eventsourced.config.Config;
import org.eventsourced.config.ConfigException;
import org.eventsourced.config.ConfigLoader;
import org.eventsourced.config.ConfigPrinter;
import org.slf4j.LoggerFactory;

/** Entry point: parses the command line, loads the config, starts the server, waits for a signal. */
public final class Main {
    private static final System.Logger LOG = System.getLogger(Main.class.getName());
    private static final String USAGE = """
            usage: eventsourced [-f FILE] [-c] [-v] [-h]
              -f FILE  read FILE after /etc/eventsourced/config.yml and config.yml next to the launcher
              -c       print the effective configuration (passwords masked) and exit
              -v       print the version and exit
              -h       print this help and exit
            """;

    private Main() {
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.print("eventsourced: " + e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(USAGE);
            return;
        }
        if (options.version()) {
            System.out.println("eventsourced " + version());
            return;
        }
        if (!options.printConfig()) {
            warmUp();
        }
        Config config;
        try {
            config = ConfigLoader.load(defaultFiles(), options.file());
        } catch (ConfigException e) {
            System.err.println("eventsourced: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (options.printConfig()) {
            System.out.print(ConfigPrinter.toYaml(config));
            return;
        }
        run(config, args);
    }

    /** The launcher passes its own directory, where an operator may put config.yml. */
    private static List<Path> defaultFiles() {
        Optional<Path> launcherDir = Optional.ofNullable(System.getProperty("eventsourced.launcher.dir"))
                .map(Path::of);
        return ConfigLoader.defaultLocations(launcherDir);
    }

    private static void run(Config config, String[] args) {
        LOG.log(System.Logger.Level.INFO, "eventsourced " + version() + " on Java " + Runtime.version()
                + "; config from " + (config.sources().isEmpty() ? "built-in defaults" : config.sources()));
        config.warnings().forEach(w -> LOG.log(System.Logger.Level.WARNING, w));
        RuntimeChecks.warnAboutRuntime(config.limits());
        List<String> cmdline = new ArrayList<>();
        cmdline.add("eventsourced");
        cmdline.addAll(List.of(args));
        Server server;
        try {
            server = Server.start(config, cmdline);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "cannot listen on " + config.server().address() + ": " + e);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> drainAndExit(server), "shutdown"));
    }

    /**
     * Runs on SIGTERM/SIGINT. A JVM ended by a signal exits 143 even after a clean drain;
     * service managers expect 0, so the hook ends the process itself once the drain is done.
     */
    private static void drainAndExit(Server server) {
        server.close();
        System.err.flush();
        Runtime.getRuntime().halt(0);
    }

    /**
     * One-time set-up that would otherwise sit on the start-up path or in the first request,
     * done on another core while this one reads the config and starts the server: finding the
     * logging backends (both look for service providers in the jars), the zone and locale data
     * behind the JDK server's Date header and the management beans behind /debug/vars. Each step takes
     * 5-40 ms the first time; a thread that needs one meanwhile waits for it, as it would anyway.
     */
    private static void warmUp() {
        Thread.ofPlatform().name("warm-up").daemon().start(() -> {
            System.getLogger(Main.class.getName()).isLoggable(System.Logger.Level.DEBUG);
            LoggerFactory.getILoggerFactory();
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss zzz", Locale.US)
                    .withZone(ZoneId.of("GMT"))
                    .format(Instant.now());
            ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            ManagementFactory.getGarbageCollectorMXBeans().forEach(GarbageCollectorMXBean::getCollectionCount);
            ManagementFactory.getThreadMXBean().getThreadCount();
        });
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
