package org.eventsourced;

import java.nio.file.Path;
import java.util.Optional;

/** The command line. */
record Options(Optional<Path> file, boolean printConfig, boolean version, boolean help) {

    static Options parse(String[] args) {
        Optional<Path> file = Optional.empty();
        boolean printConfig = false;
        boolean version = false;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-f" -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("-f needs a file");
                    }
                    file = Optional.of(Path.of(args[++i]));
                }
                case "-c" -> printConfig = true;
                case "-v", "--version" -> version = true;
                case "-h", "--help" -> help = true;
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        return new Options(file, printConfig, version, help);
    }
}
