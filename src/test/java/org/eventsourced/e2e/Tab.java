package org.eventsourced.e2e;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.eventsourced.testsupport.Await;

/**
 * One browser tab: navigate, evaluate JavaScript, wait for a condition in the page. Keeps
 * the page's console output, uncaught exceptions and the browser's own log lines (CORS and
 * network errors land there) for failure messages.
 */
final class Tab implements AutoCloseable {
    private static final int KEEP = 100;

    private final Cdp cdp;
    private final String targetId;
    private final String session;
    private final Runnable onClose;
    private final ArrayDeque<String> log = new ArrayDeque<>();
    private final List<Response> responses = new CopyOnWriteArrayList<>();
    private final ReentrantLock logLock = new ReentrantLock();
    private boolean closed;

    Tab(Cdp cdp, String targetId, String session, Runnable onClose) {
        this.cdp = cdp;
        this.targetId = targetId;
        this.session = session;
        this.onClose = onClose;
    }

    void enable() {
        send("Runtime.enable", Map.of());
        send("Log.enable", Map.of());
        send("Page.enable", Map.of());
        send("Network.enable", Map.of());
    }

    /** Loads {@code url} and waits for its load event (document.readyState complete). */
    void navigate(String url) {
        Map<String, Object> result = send("Page.navigate", Map.of("url", url));
        if (result.get("errorText") instanceof String error && !error.isEmpty()) {
            throw new AssertionError("cannot load " + url + ": " + error);
        }
        await("document.readyState === 'complete' && location.href !== 'about:blank'", Duration.ofSeconds(10),
                () -> url + " loaded");
    }

    /**
     * Evaluates a JavaScript expression in the page (promises awaited) and returns its value
     * as JSON types: Map, List, String, Long/Double, Boolean, or null for null/undefined.
     */
    Object eval(String expression) {
        Map<String, Object> result = send("Runtime.evaluate", Map.of(
                "expression", expression, "returnByValue", true, "awaitPromise", true));
        if (result.get("exceptionDetails") instanceof Map<?, ?> details) {
            Map<String, Object> exception = Cdp.asMap(details.get("exception"));
            throw new AssertionError("JavaScript failed: " + expression + "\n  " + details.get("text") + " "
                    + exception.getOrDefault("description", ""));
        }
        return Cdp.asMap(result.get("result")).get("value");
    }

    String evalString(String expression) {
        return (String) eval(expression);
    }

    long evalLong(String expression) {
        return ((Number) eval(expression)).longValue();
    }

    /** Waits until a JavaScript condition holds in the page; fails with the page's log if not. */
    void await(String condition, Duration timeout, Supplier<String> expected) {
        Await.until(() -> Boolean.TRUE.equals(eval("Boolean(" + condition + ")")), timeout,
                () -> expected.get() + "\n  (page condition: " + condition + ")\n  page log:\n" + log());
    }

    /** The HTTP responses the page received so far (the page itself, scripts, streams). */
    List<Response> responses() {
        return List.copyOf(responses);
    }

    /** The page's console lines, exceptions and browser log entries seen so far. */
    String log() {
        logLock.lock();
        try {
            return log.isEmpty() ? "    (empty)" : "    " + String.join("\n    ", log);
        } finally {
            logLock.unlock();
        }
    }

    void onEvent(Map<String, Object> event) {
        Map<String, Object> params = Cdp.asMap(event.get("params"));
        String line = switch ((String) event.get("method")) {
            case "Runtime.consoleAPICalled" -> "console." + params.get("type") + ": " + consoleArgs(params);
            case "Runtime.exceptionThrown" -> {
                Map<String, Object> details = Cdp.asMap(params.get("exceptionDetails"));
                yield "exception: " + details.get("text") + " "
                        + Cdp.asMap(details.get("exception")).getOrDefault("description", "");
            }
            case "Network.responseReceived" -> {
                Map<String, Object> response = Cdp.asMap(params.get("response"));
                Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                Cdp.asMap(response.get("headers")).forEach((k, v) -> headers.put(k, String.valueOf(v)));
                responses.add(new Response(((Number) response.get("status")).intValue(),
                        (String) response.get("url"), headers));
                yield null;
            }
            case "Network.loadingFailed" -> {
                // the browser log says only net::ERR_FAILED for a CORS refusal; the reason is here
                Map<String, Object> cors = Cdp.asMap(params.get("corsErrorStatus"));
                yield "network failed: " + params.get("type") + " " + params.get("errorText")
                        + (cors.isEmpty() ? "" : " (CORS " + cors.get("corsError") + ")");
            }
            case "Log.entryAdded" -> {
                Map<String, Object> entry = Cdp.asMap(params.get("entry"));
                yield "browser " + entry.get("level") + " (" + entry.get("source") + "): " + entry.get("text");
            }
            default -> null;
        };
        if (line == null) {
            return;
        }
        logLock.lock();
        try {
            log.addLast(line);
            while (log.size() > KEEP) {
                log.removeFirst();
            }
        } finally {
            logLock.unlock();
        }
    }

    private static String consoleArgs(Map<String, Object> params) {
        StringBuilder out = new StringBuilder();
        if (params.get("args") instanceof List<?> args) {
            for (Object arg : args) {
                Map<String, Object> a = Cdp.asMap(arg);
                out.append(a.containsKey("value") ? a.get("value") : a.getOrDefault("description", a.get("type")))
                        .append(' ');
            }
        }
        return out.toString().trim();
    }

    /** An HTTP response as the browser saw it; header names are case-insensitive. */
    record Response(int status, String url, Map<String, String> headers) {
    }

    private Map<String, Object> send(String method, Map<String, Object> params) {
        return cdp.send(session, method, params);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        onClose.run();
        cdp.send("Target.closeTarget", Map.of("targetId", targetId));
    }
}
