package org.eventsourced.broker;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * amqp-client runs consumer callbacks through an executor. This one runs them at once on the
 * thread that read the frame (the connection's reader), instead of waking a dispatch thread for
 * each, which on a busy stream cost a thread switch per message. A stream's deliveries no longer
 * come this way ({@link HandoffChannel} hands them over directly); its other callbacks and the
 * control bus's deliveries do. Safe only because every callback of ours returns at once: it
 * offers to a queue or starts a thread, and never blocks or calls back into the channel.
 */
final class CallerRunsExecutor extends AbstractExecutorService {
    private volatile boolean shutdown;

    @Override
    public void execute(Runnable task) {
        task.run();
    }

    @Override
    public void shutdown() {
        shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown = true;
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return true;
    }
}
