package org.eventsourced.bench;

import java.util.List;

/**
 * What every scenario works with.
 *
 * @param routes baseline first, then eventsourced when a server was given
 * @param server    null when only the baseline runs
 * @param brokerPid the broker's OS process (for CPU time), 0 if unknown
 */
record Context(Options options, Broker broker, List<Route> routes, Server server, Report report,
               Verification verification, Anomalies anomalies, String runId, long brokerPid) {

    /** Queue names unique to this run: {@code esbench-<run>-<what>-<i>}. */
    List<String> names(String what, int count) {
        return broker.names("esbench-" + runId + "-" + what, count);
    }

    /**
     * CPU time used so far by the server, the broker, the bench itself and the server's JIT compiler threads (part of
     * the server's; see {@link Server#compilerCpuNanos()}), in ns (-1 where unknown).
     */
    long[] cpu() {
        return new long[] {
            server == null ? -1 : server.cpuNanos(),
            brokerPid > 0 ? Server.cpuNanos(brokerPid) : -1,
            Server.cpuNanos(ProcessHandle.current().pid()),
            server == null ? -1 : server.compilerCpuNanos()
        };
    }

    /** The server's context switches so far, -1 if there is no server or it is unknown. */
    long serverContextSwitches() {
        return server == null ? -1 : server.contextSwitches();
    }

    static String tag(Route r) {
        return r instanceof SseRoute ? "sse" : "amqp";
    }

    /**
     * Between two rounds: waits (up to 30 s) until the server has ended the streams of the round before, which it
     * does once their queues are deleted, so that ending them is not measured as part of the next round.
     *
     * @return whether the server counts no open stream
     */
    boolean awaitServerStreamsEnded() throws InterruptedException {
        return server == null || server.awaitConsumers(0, java.time.Duration.ofSeconds(30)) == 0;
    }

    /** After a scenario: the server should count no open stream any more. */
    void checkServerIdle(String scenario) throws InterruptedException {
        if (server == null) {
            return;
        }
        long t0 = System.nanoTime();
        int left = server.awaitConsumers(0, java.time.Duration.ofSeconds(30));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (left != 0) {
            report.note(scenario + ": /debug/vars Consumer still " + left + " 30 s after the bench closed every "
                    + "stream and deleted their queues");
        } else {
            report.note(scenario + ": /debug/vars Consumer back to 0 " + ms + " ms after the streams were closed");
        }
    }
}
