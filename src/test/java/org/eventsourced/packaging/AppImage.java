package org.eventsourced.packaging;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The app image that {@code ./build.sh} leaves in {@code target/eventsourced/} (or where the
 * environment variable {@code EVENTSOURCED_APP_IMAGE} points), and the repository it was built from.
 * A missing image fails the test with what to run; it is never skipped.
 */
final class AppImage {
    private AppImage() {
    }

    /** The repository root: Maven runs the tests there. */
    static Path repo() {
        return Path.of("").toAbsolutePath();
    }

    static Path dir() {
        String fromEnv = System.getenv("EVENTSOURCED_APP_IMAGE");
        Path dir = fromEnv == null || fromEnv.isBlank()
                ? repo().resolve("target/eventsourced")
                : Path.of(fromEnv).toAbsolutePath();
        if (!Files.isExecutable(dir.resolve("bin/eventsourced"))) {
            fail("no app image at " + dir + " (bin/eventsourced is missing): run ./build.sh first,"
                    + " or ./build.sh test, which builds the image before it runs the tests");
        }
        return dir;
    }

    static Path launcher() {
        return dir().resolve("bin/eventsourced");
    }

    /**
     * A process builder for {@code command}, with the environment cleared of JVM options a developer
     * may have set, so that the image runs as shipped.
     */
    static ProcessBuilder processBuilder(List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command);
        for (String name : List.of("JAVA_OPTS", "EVENTSOURCED_OPTS", "JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS",
                "EVENTSOURCED_CDS_DIR")) {
            pb.environment().remove(name);
        }
        return pb;
    }

    /** Output (stdout and stderr together) and exit status of a command that ends by itself. */
    record Run(int exitStatus, String output) {
    }

    static Run run(Duration timeout, List<String> command) throws IOException, InterruptedException {
        return run(timeout, processBuilder(command));
    }

    static Run run(Duration timeout, ProcessBuilder builder) throws IOException, InterruptedException {
        List<String> command = builder.command();
        Path out = Files.createTempFile("eventsourced-run", ".out");
        try {
            Process p = builder
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
            boolean exited = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!exited) {
                p.destroyForcibly().waitFor();
            }
            String output = Files.readString(out, StandardCharsets.UTF_8);
            assertTrue(exited, () -> command + " did not exit within " + timeout + "; output:\n" + output);
            return new Run(p.exitValue(), output);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
