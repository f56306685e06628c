package org.eventsourced.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's headless Chromium, driven over the Chrome DevTools Protocol (see {@link Cdp}).
 * One browser per test class; each {@link Tab} is a page target with its own session.
 *
 * <p>Why CDP over the JDK's WebSocket rather than WebDriver or Playwright: it needs nothing
 * but the Debian package (no browser download, no chromedriver version to match) and no
 * dependency beyond the JDK.
 */
final class Chromium implements AutoCloseable {
    private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final List<String> FLAGS = List.of(
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            // this machine has no network: without these Chromium keeps calling out, and failing
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-default-browser-check", "--disable-extensions", "--disable-dev-shm-usage",
            // a tab the test is not looking at must keep running its timers and connections
            "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
            "--disable-backgrounding-occluded-windows",
            "--remote-debugging-port=0");

    private final Process process;
    private final Path profile;
    private final Cdp cdp;
    private final StderrTail stderr;
    private final Thread shutdownHook;
    private final Map<String, Tab> tabs;

    private Chromium(Process process, Path profile, Cdp cdp, StderrTail stderr, Thread shutdownHook,
            Map<String, Tab> tabs) {
        this.process = process;
        this.profile = profile;
        this.cdp = cdp;
        this.stderr = stderr;
        this.shutdownHook = shutdownHook;
        this.tabs = tabs;
    }

    /** Starts Debian's Chromium, or fails saying how to install it. */
    static Chromium launch() {
        Path binary = Executables.find("chromium").orElseThrow(() -> new AssertionError("""
                The browser tests need Debian's Chromium (/usr/bin/chromium) and it is not installed.
                Install it with: apt-get install -y chromium"""));
        Path profile;
        try {
            profile = Files.createTempDirectory("eventsourced-chromium");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(FLAGS);
        command.add("--user-data-dir=" + profile);
        command.add("about:blank");
        Process process;
        try {
            process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            Executables.deleteTree(profile);
            throw new AssertionError("cannot start " + binary + ": " + e, e);
        }
        Thread hook = Executables.killOnExit(process);
        StderrTail stderr = new StderrTail(process);
        try {
            URI endpoint = stderr.devtools().get(30, TimeUnit.SECONDS);
            Map<String, Tab> tabs = new ConcurrentHashMap<>();
            Cdp cdp = Cdp.connect(endpoint, (session, event) -> {
                Tab tab = session == null ? null : tabs.get(session);
                if (tab != null) {
                    tab.onEvent(event);
                }
            });
            return new Chromium(process, profile, cdp, stderr, hook, tabs);
        } catch (ExecutionException | TimeoutException | IOException e) {
            Executables.stop(process, hook);
            Executables.deleteTree(profile);
            throw new AssertionError("Chromium did not open its DevTools endpoint: " + e + "\nits stderr:\n"
                    + stderr.text(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Executables.stop(process, hook);
            Executables.deleteTree(profile);
            throw new AssertionError(e);
        }
    }

    /** Opens a new tab on {@code url} and waits until the page has loaded. */
    Tab open(String url) {
        String targetId = (String) cdp.send("Target.createTarget", Map.of("url", "about:blank")).get("targetId");
        String session = (String) cdp.send("Target.attachToTarget", Map.of("targetId", targetId, "flatten", true))
                .get("sessionId");
        Tab tab = new Tab(cdp, targetId, session, () -> tabs.remove(session));
        tabs.put(session, tab);
        try {
            tab.enable();
            tab.navigate(url);
            return tab;
        } catch (RuntimeException | AssertionError e) {
            tab.close();
            throw e;
        }
    }

    /**
     * Puts a cookie in the browser's jar as if {@code url} had set it, for every tab. Cookies
     * are per host, not per port: one set for {@code http://127.0.0.1:8080/} goes to every
     * port of 127.0.0.1.
     */
    void setCookie(String url, String name, String value) {
        cdp.send("Storage.setCookies", Map.of("cookies", List.of(Map.of("url", url, "name", name, "value", value))));
    }

    @Override
    public void close() {
        try {
            cdp.send("Browser.close", Map.of());
        } catch (AssertionError e) {
            // the browser may drop the connection before it answers; the process wait decides
        }
        cdp.close();
        try {
            Executables.stop(process, shutdownHook);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nChromium's stderr:\n" + stderr.text(), e);
        } finally {
            Executables.deleteTree(profile);
        }
    }

    /** Keeps the last lines of Chromium's stderr and finds the DevTools address in them. */
    private static final class StderrTail {
        private static final int KEEP = 60;
        private final ArrayDeque<String> lines = new ArrayDeque<>();
        private final ReentrantLock lock = new ReentrantLock();
        private final CompletableFuture<URI> devtools = new CompletableFuture<>();

        StderrTail(Process process) {
            Thread.ofVirtual().name("chromium-stderr").start(() -> {
                try (BufferedReader in = new BufferedReader(
                        new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        add(line);
                        Matcher m = DEVTOOLS.matcher(line);
                        if (m.find()) {
                            devtools.complete(URI.create(m.group(1)));
                        }
                    }
                } catch (IOException e) {
                    add("(stderr read failed: " + e + ")");
                }
                devtools.completeExceptionally(new IOException("Chromium exited"));
            });
        }

        CompletableFuture<URI> devtools() {
            return devtools;
        }

        private void add(String line) {
            lock.lock();
            try {
                lines.addLast(line);
                while (lines.size() > KEEP) {
                    lines.removeFirst();
                }
            } finally {
                lock.unlock();
            }
        }

        String text() {
            lock.lock();
            try {
                return String.join("\n", lines);
            } finally {
                lock.unlock();
            }
        }
    }
}
