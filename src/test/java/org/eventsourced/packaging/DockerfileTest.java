package org.eventsourced.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * No Docker engine runs where the tests do, so this keeps the Dockerfile honest against the repository:
 * what it copies exists and is in the build context, it builds through the same scripts as
 * {@code ./build.sh}, its port, health check and config agree with the server, its images are pinned.
 * (.ci/run also lints it with dockerfile-utils.)
 */
class DockerfileTest {
    private static final Path REPO = AppImage.repo();
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?(\\w+)}?");

    /** One instruction, continuation lines joined. */
    record Instruction(int line, String keyword, String args, int stage) {
        List<String> words() {
            return Arrays.stream(args.trim().split("\\s+")).toList();
        }
    }

    private static List<Instruction> instructions;
    private static final Map<String, String> argDefaults = new HashMap<>();
    private static final List<String> stageNames = new ArrayList<>();

    @BeforeAll
    static void parse() throws IOException {
        instructions = new ArrayList<>();
        argDefaults.clear();
        stageNames.clear();
        List<String> lines = Files.readAllLines(REPO.resolve("Dockerfile"));
        StringBuilder current = new StringBuilder();
        int start = 0;
        int stage = -1;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (current.isEmpty()) {
                if (line.isBlank() || line.stripLeading().startsWith("#")) {
                    continue;
                }
                start = i + 1;
            } else if (line.stripLeading().startsWith("#")) {
                continue; // comment inside a continued instruction
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            current.append(line);
            String text = current.toString().strip();
            current.setLength(0);
            String[] parts = text.split("\\s+", 2);
            String keyword = parts[0].toUpperCase();
            String args = parts.length > 1 ? parts[1] : "";
            if (keyword.equals("FROM")) {
                stage++;
                String[] w = args.split("\\s+");
                stageNames.add(w.length >= 3 && w[w.length - 2].equalsIgnoreCase("AS") ? w[w.length - 1] : "");
            }
            if (keyword.equals("ARG") && stage < 0) {
                String[] kv = args.split("=", 2);
                argDefaults.put(kv[0].strip(), kv.length > 1 ? kv[1].strip() : "");
            }
            instructions.add(new Instruction(start, keyword, args, stage));
        }
        assertFalse(instructions.isEmpty(), "the Dockerfile has no instructions");
    }

    private static List<Instruction> all(String keyword) {
        return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    private static int finalStage() {
        return stageNames.size() - 1;
    }

    private static List<Instruction> inFinalStage(String keyword) {
        return all(keyword).stream().filter(i -> i.stage() == finalStage()).toList();
    }

    private static String expand(String s) {
        Matcher m = VARIABLE.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = argDefaults.get(m.group(1));
            if (value == null || value.isEmpty()) {
                fail("Dockerfile uses ${" + m.group(1) + "} in FROM without an ARG default before the first FROM");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        return m.appendTail(out).toString();
    }

    @Test
    void everyBaseImageIsPinnedToATag() {
        for (Instruction from : all("FROM")) {
            String image = expand(from.words().getFirst());
            if (stageNames.contains(image)) {
                continue; // an earlier stage
            }
            boolean digest = image.contains("@sha256:");
            String name = image.substring(image.lastIndexOf('/') + 1); // a registry may have a :port
            String tag = name.contains(":") ? name.substring(name.indexOf(':') + 1) : "";
            assertTrue(digest || !tag.isEmpty() && !tag.equals("latest"),
                    () -> "line " + from.line() + ": FROM " + image + " is not pinned to a version tag or digest");
        }
        assertEquals("25", argDefaults.get("JDK_VERSION"), "the image ships a JDK 25 runtime by default");
    }

    @Test
    void everyCopySourceIsInTheBuildContext() throws IOException {
        List<String[]> ignore = dockerignore();
        for (Instruction copy : Stream.concat(all("COPY").stream(), all("ADD").stream()).toList()) {
            List<String> words = copy.words();
            if (words.stream().anyMatch(w -> w.startsWith("--from="))) {
                continue; // checked by copiedStagesOutputIsWhatTheBuildStageMakes
            }
            List<String> sources = words.stream().filter(w -> !w.startsWith("--")).toList();
            assertTrue(sources.size() >= 2, () -> "line " + copy.line() + ": COPY needs a source and a destination");
            for (String source : sources.subList(0, sources.size() - 1)) {
                String clean = source.replaceAll("^\\./", "").replaceAll("/$", "");
                assertTrue(Files.exists(REPO.resolve(clean)),
                        () -> "line " + copy.line() + ": COPY " + source + ": no such file in the repository");
                assertFalse(ignored(ignore, clean),
                        () -> "line " + copy.line() + ": COPY " + source + " is excluded by .dockerignore");
            }
        }
    }

    @Test
    void copiedStagesOutputIsWhatTheBuildStageMakes() {
        for (Instruction copy : all("COPY")) {
            String from = copy.words().stream().filter(w -> w.startsWith("--from=")).findFirst().orElse(null);
            if (from == null) {
                continue;
            }
            String stage = from.substring("--from=".length());
            int index = stageNames.indexOf(stage);
            assertTrue(index >= 0 && index < copy.stage(), () -> "line " + copy.line() + ": no earlier stage " + stage);
            String source = copy.words().get(copy.words().size() - 2);
            boolean made = all("RUN").stream()
                    .filter(r -> r.stage() == index)
                    .anyMatch(r -> r.args().contains("EVENTSOURCED_IMAGE_DIR=" + source) && r.args().contains("./build.sh"));
            assertTrue(made, () -> "line " + copy.line() + ": stage " + stage + " has no RUN of ./build.sh with"
                    + " EVENTSOURCED_IMAGE_DIR=" + source);
        }
    }

    @Test
    void buildStageRunsTheScriptsBuildShUses() throws IOException {
        String buildSh = Files.readString(REPO.resolve("build.sh"));
        Pattern script = Pattern.compile("(?:^|[\\s;&|])((?:\\./)?[\\w./-]+\\.sh)\\b");
        boolean runsBuildSh = false;
        for (Instruction run : all("RUN")) {
            Matcher m = script.matcher(run.args());
            while (m.find()) {
                String name = m.group(1).replaceAll("^\\./", "");
                Path path = REPO.resolve(name);
                assertTrue(Files.isExecutable(path), () -> "line " + run.line() + ": " + name + " is not an executable"
                        + " file in the repository");
                assertTrue(name.equals("build.sh") || buildSh.contains(name),
                        () -> "line " + run.line() + ": " + name + " is not what ./build.sh runs");
                runsBuildSh |= name.equals("build.sh");
            }
        }
        assertTrue(runsBuildSh, "the Dockerfile builds the app image with ./build.sh, as everywhere else");
        for (String used : List.of("jlink/make-runtime.sh", "jlink/train-cds.sh")) {
            assertTrue(buildSh.contains(used), "build.sh runs " + used);
            assertTrue(Files.isExecutable(REPO.resolve(used)), used + " is executable");
        }
        // The build stage gets everything build.sh reads.
        String copied = String.join(" ", all("COPY").stream().filter(c -> c.stage() == 0).map(Instruction::args).toList());
        for (String needed : List.of("pom.xml", "build.sh", "jlink/", "src/main/")) {
            assertTrue(copied.contains(needed), () -> "the build stage does not COPY " + needed);
        }
    }

    @Test
    void exposedPortIsTheConfiguredOneAndTheHealthCheckUsesIt() throws IOException {
        List<Instruction> expose = inFinalStage("EXPOSE");
        assertEquals(1, expose.size(), "one EXPOSE in the final stage");
        String port = expose.getFirst().words().getFirst().replace("/tcp", "");
        assertEquals("2069", port, "EXPOSE the default port");

        Map<String, Object> config = new Yaml().load(Files.readString(REPO.resolve("packaging/docker/config.yml")));
        Object server = config.get("server");
        assertTrue(server instanceof Map<?, ?>, "packaging/docker/config.yml has a server section");
        String address = String.valueOf(((Map<?, ?>) server).get("address"));
        assertEquals("0.0.0.0:" + port, address, "packaging/docker/config.yml server.address");

        assertTrue(mainSourcesContain("2069"), "2069 is the server's default port somewhere in src/main/java");

        URI health = healthCheckUri();
        assertEquals(Integer.parseInt(port), health.getPort(), "HEALTHCHECK asks the exposed port");
        assertEquals("127.0.0.1", health.getHost(), "HEALTHCHECK asks the container itself");
    }

    @Test
    void healthCheckPathIsAnEndpointOfTheServer() throws IOException {
        String path = healthCheckUri().getPath();
        assertTrue(mainSourcesContain("\"" + path + "\""),
                () -> "HEALTHCHECK asks " + path + ", but no \"" + path + "\" appears in src/main/java");
    }

    @Test
    void runsTheLauncherAsNonRootWithTheContainerConfig() {
        List<Instruction> user = inFinalStage("USER");
        assertEquals(1, user.size(), "one USER in the final stage");
        String who = user.getFirst().words().getFirst().split(":")[0];
        assertNotEquals("root", who, "the server does not run as root");
        assertNotEquals("0", who, "the server does not run as root");

        List<Instruction> entrypoint = inFinalStage("ENTRYPOINT");
        assertEquals(1, entrypoint.size(), "one ENTRYPOINT in the final stage");
        assertEquals("[\"/opt/eventsourced/bin/eventsourced\"]", entrypoint.getFirst().args().strip(),
                "ENTRYPOINT is the launcher, in exec form (so SIGTERM reaches the JVM)");

        boolean config = inFinalStage("COPY").stream()
                .anyMatch(c -> c.words().equals(List.of("packaging/docker/config.yml", "/etc/eventsourced/config.yml")));
        assertTrue(config, "the image has packaging/docker/config.yml as /etc/eventsourced/config.yml");
        assertEquals(1, inFinalStage("HEALTHCHECK").size(), "one HEALTHCHECK in the final stage");
    }

    private static URI healthCheckUri() {
        List<Instruction> hc = inFinalStage("HEALTHCHECK");
        assertEquals(1, hc.size(), "one HEALTHCHECK in the final stage");
        Matcher m = Pattern.compile("https?://\\S+").matcher(hc.getFirst().args());
        assertTrue(m.find(), "HEALTHCHECK asks a URL");
        return URI.create(m.group());
    }

    private static boolean mainSourcesContain(String text) throws IOException {
        try (Stream<Path> files = Files.walk(REPO.resolve("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                if (Files.readString(f).contains(text)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** .dockerignore as (pattern, "!" or "") pairs; Docker's rules: anchored at the context root, last match wins. */
    private static List<String[]> dockerignore() throws IOException {
        Path file = REPO.resolve(".dockerignore");
        List<String[]> patterns = new ArrayList<>();
        if (!Files.exists(file)) {
            return patterns;
        }
        for (String line : Files.readAllLines(file)) {
            String p = line.strip();
            if (p.isEmpty() || p.startsWith("#")) {
                continue;
            }
            boolean negate = p.startsWith("!");
            p = p.replaceFirst("^!", "").replaceAll("^/+", "").replaceAll("/+$", "");
            patterns.add(new String[] {p, negate ? "!" : ""});
        }
        return patterns;
    }

    private static boolean ignored(List<String[]> patterns, String path) {
        Set<String> prefixes = new LinkedHashSet<>();
        Path p = Path.of(path);
        for (int i = 1; i <= p.getNameCount(); i++) {
            prefixes.add(p.subpath(0, i).toString());
        }
        boolean ignored = false;
        for (String[] pattern : patterns) {
            PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + pattern[0]);
            if (prefixes.stream().anyMatch(prefix -> m.matches(Path.of(prefix)))) {
                ignored = pattern[1].isEmpty();
            }
        }
        return ignored;
    }
}
