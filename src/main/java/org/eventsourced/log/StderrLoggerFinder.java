package org.eventsourced.log;

import java.io.PrintStream;
import java.time.Instant;
import java.util.Locale;
import java.util.ResourceBundle;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one logging path: our {@link System.Logger} lines and amqp-client's SLF4J lines
 * (through slf4j-jdk-platform-logging) all end here, one line per event on stderr.
 * The threshold is INFO unless {@code EVENTSOURCED_LOG_LEVEL} names another level.
 */
public final class StderrLoggerFinder extends System.LoggerFinder {
    private static final ReentrantLock WRITE_LOCK = new ReentrantLock();
    private final System.Logger.Level threshold = thresholdFromEnvironment();

    @Override
    public System.Logger getLogger(String name, Module module) {
        return new StderrLogger(shortName(name), threshold);
    }

    private static System.Logger.Level thresholdFromEnvironment() {
        String value = System.getenv("EVENTSOURCED_LOG_LEVEL");
        if (value == null || value.isBlank()) {
            return System.Logger.Level.INFO;
        }
        try {
            return System.Logger.Level.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return System.Logger.Level.INFO;
        }
    }

    private static String shortName(String name) {
        if (name.startsWith("org.eventsourced.")) {
            return name.substring(name.lastIndexOf('.') + 1);
        }
        return name;
    }

    /** Makes any text safe for one log line: no line breaks or other control characters. */
    public static String oneLine(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private record StderrLogger(String name, System.Logger.Level threshold) implements System.Logger {
        @Override
        public String getName() {
            return name;
        }

        @Override
        public boolean isLoggable(Level level) {
            return level != Level.OFF && level.getSeverity() >= threshold.getSeverity();
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            if (!isLoggable(level)) {
                return;
            }
            String cause = thrown == null ? "" : " (" + thrown + ")";
            write(level, (msg == null ? "" : msg) + cause);
            if (thrown != null && level.getSeverity() >= Level.ERROR.getSeverity()) {
                printStack(thrown);
            }
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            if (!isLoggable(level)) {
                return;
            }
            String msg = params == null || params.length == 0
                    ? format : java.text.MessageFormat.format(format, params);
            write(level, msg);
        }

        private void write(Level level, String msg) {
            String line = Instant.now() + " " + level.getName() + " " + name + ": " + oneLine(msg);
            PrintStream err = System.err;
            WRITE_LOCK.lock();
            try {
                err.println(line);
            } finally {
                WRITE_LOCK.unlock();
            }
        }

        private static void printStack(Throwable thrown) {
            WRITE_LOCK.lock();
            try {
                thrown.printStackTrace(System.err);
            } finally {
                WRITE_LOCK.unlock();
            }
        }
    }
}
