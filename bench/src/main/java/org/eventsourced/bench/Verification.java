package org.eventsourced.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** Exactly-once bookkeeping summed over every measurement of a run, per route. */
final class Verification {
    private static final class Totals {
        long expected, unique, duplicates, foreign, corrupt, openFailures, incomplete;
    }

    private final Map<String, Totals> byRoute = new LinkedHashMap<>();
    private String busy = "-";
    private boolean busyOk = true;

    /** Outcome of opening a second stream on a queue that is being streamed. */
    void busy(boolean got503, String seen) {
        busy = seen.startsWith("HTTP ") ? seen.substring(0, Math.min(seen.length(), 8)) : seen;
        busyOk = got503;
    }

    boolean busyViolated() {
        return !busyOk;
    }

    void add(Route route, Ledger.Summary s, int openFailures, boolean complete) {
        Totals t = byRoute.computeIfAbsent(route.label(), k -> new Totals());
        t.expected += s.expected();
        t.unique += s.unique();
        t.duplicates += s.duplicates();
        t.foreign += s.foreign();
        t.corrupt += s.corrupt();
        t.openFailures += openFailures;
        if (!complete) {
            t.incomplete++;
        }
    }

    long violations(String label) {
        Totals t = byRoute.get(label);
        return t == null ? 0 : (t.expected - t.unique) + t.duplicates + t.foreign + t.corrupt;
    }

    void report(Report r, Anomalies anomalies, boolean withServer) {
        r.section("verification (all scenarios)");
        Totals es = byRoute.getOrDefault("eventsourced", new Totals());
        Totals base = byRoute.getOrDefault("direct AMQP", new Totals());
        r.text("messages read exactly once / published to open streams",
                withServer ? es.unique + " / " + es.expected : "-", base.unique + " / " + base.expected, "all");
        r.text("missing / duplicate / foreign / corrupt",
                withServer ? (es.expected - es.unique) + " / " + es.duplicates + " / " + es.foreign + " / " + es.corrupt
                        : "-",
                (base.expected - base.unique) + " / " + base.duplicates + " / " + base.foreign + " / " + base.corrupt,
                "0 / 0 / 0 / 0");
        r.text("streams refused or failed to open", withServer ? String.valueOf(es.openFailures) : "-",
                String.valueOf(base.openFailures), "0");
        r.text("second stream on a busy queue", withServer ? busy : "-", "-", "503");
        r.text("stream anomalies (framing, early end, unroutable)",
                withServer ? String.valueOf(anomalies.total()) : "-", "-", "0");
    }
}
