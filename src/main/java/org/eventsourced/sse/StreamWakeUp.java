package org.eventsourced.sse;

import java.util.concurrent.Future;
import org.eventsourced.broker.Handoff;
import org.eventsourced.broker.Subscription;

/**
 * A stream's one armed wake-up (see {@link WakeUps}): armed for the stream's earliest deadline
 * and left armed while its deadlines move later; disarmed when its {@link Handoff.Tick} is
 * taken from the queue. Used by the stream's thread, except {@link #rewakeIfOverdue}, which the
 * watchdog calls.
 */
final class StreamWakeUp {
    private final WakeUps timer;
    private final Subscription subscription;
    /** The deadline of the wake-up armed now (Long.MAX_VALUE: none), and the wake-up itself. */
    private volatile long armedFor = Long.MAX_VALUE;
    private Future<?> armed;

    StreamWakeUp(WakeUps timer, Subscription subscription) {
        this.timer = timer;
        this.subscription = subscription;
    }

    /**
     * Makes sure a wake-up comes by {@code deadline}. One that is armed for earlier stays: it
     * comes early, the loop finds nothing due and arms the next (cheaper than re-arming the
     * timer whenever a write moves the heartbeat).
     */
    void armBy(long deadline) {
        if (deadline == Long.MAX_VALUE || armedFor != Long.MAX_VALUE && deadline - armedFor >= 0) {
            return;
        }
        cancel();
        armed = timer.at(deadline, () -> subscription.wake(deadline));
        armedFor = deadline;
    }

    /** The stream took {@code tick} from its queue. */
    void taken(Handoff.Tick tick) {
        if (tick.deadlineNanos() == armedFor) { // not one that was cancelled too late
            armed = null;
            armedFor = Long.MAX_VALUE;
        }
    }

    /**
     * Hands the armed wake-up over again if it is overdue by {@code graceNanos}. Nothing should
     * ever need this (the timer offers each wake-up, and the loop re-arms after every one it
     * takes); it bounds the damage of a wake-up lost by a bug to a second instead of a stream
     * that never heartbeats, never notices its client left and holds the queue.
     *
     * @return whether the stream was woken
     */
    boolean rewakeIfOverdue(long nowNanos, long graceNanos) {
        long at = armedFor;
        if (at == Long.MAX_VALUE || nowNanos - at < graceNanos) {
            return false;
        }
        subscription.wake(at);
        return true;
    }

    /** Disarms the wake-up, if one is armed. */
    void cancel() {
        if (armed != null) {
            armed.cancel(false);
        }
    }
}
