package org.eventsourced.sse;

import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Wakes streams at their deadlines (heartbeat, probe, acks by age, resume hold, token expiry),
 * so that a stream can wait on its hand-off queue without a timeout.
 *
 * <p>Why not a timed wait: on JDK 25 every timed park of a virtual thread hands a task to the
 * ForkJoinPool's delay scheduler and wakes that thread, and the message that ends the wait
 * cancels the task, waking it again. A stream that gets one message at a time paid a context
 * switch per message for that (bench, 100 streams: the delay scheduler switched once per
 * message and used a quarter of the server's CPU). Here a stream arms one wake-up for its
 * earliest deadline and leaves it armed while its deadlines move later: a busy stream sets
 * about one timer per ack delay instead of one per message, and an idle one one per heartbeat.
 */
public final class WakeUps implements AutoCloseable {
    private final ScheduledThreadPoolExecutor timer;

    public WakeUps() {
        timer = new ScheduledThreadPoolExecutor(1,
                task -> Thread.ofPlatform().daemon().name("stream-wake-ups").unstarted(task));
        timer.setRemoveOnCancelPolicy(true); // a stream that ended must not stay referenced until then
    }

    /**
     * Runs {@code wake} (which must not block) at {@code deadlineNanos} of System.nanoTime().
     *
     * @return the armed wake-up, or null once the server has stopped (its streams are closed
     *         under them then, so none of them needs waking)
     */
    Future<?> at(long deadlineNanos, Runnable wake) {
        try {
            return timer.schedule(wake, deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopped) {
            return null;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
