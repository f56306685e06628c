package org.eventsourced.fuzz;

import java.lang.management.ManagementFactory;
import java.util.Random;

/**
 * How many cases a fuzz test runs and from which seed. CI runs the defaults each test names;
 * locally {@code -Dfuzz.iterations=N} runs N cases per test, {@code -Dfuzz.seed=S} starts from
 * another seed, and {@code -Dfuzz.replay=C} runs only the case whose seed a failure printed.
 *
 * <p>Every case draws from its own {@link Random}, seeded from the run's seed and the case's
 * index, so a failing case can be replayed alone without running the ones before it.
 */
final class FuzzRun {
    private final String name;
    private final long seed;
    private final int iterations;
    private final Long replay;

    private FuzzRun(String name, long seed, int iterations, Long replay) {
        this.name = name;
        this.seed = seed;
        this.iterations = iterations;
        this.replay = replay;
    }

    /** The run for one test: its CI defaults, overridden by the {@code fuzz.*} system properties. */
    static FuzzRun of(String name, long defaultSeed, int defaultIterations) {
        long seed = Long.getLong("fuzz.seed", defaultSeed);
        int iterations = Integer.getInteger("fuzz.iterations", defaultIterations);
        Long replay = Long.getLong("fuzz.replay");
        FuzzRun run = new FuzzRun(name, seed, iterations, replay);
        System.err.println(name + ": " + (replay != null ? "replaying case seed " + replay
                : iterations + " cases from seed " + seed));
        return run;
    }

    int iterations() {
        return replay != null ? 1 : iterations;
    }

    /** The seed of case {@code index}: a 64-bit mix of the run's seed and the index. */
    long caseSeed(int index) {
        if (replay != null) {
            return replay;
        }
        long z = seed + (index + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Runs every case; a failure names the case and how to replay it. */
    void forEachCase(Case body) {
        long startNanos = System.nanoTime();
        long startCpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        for (int i = 0; i < iterations(); i++) {
            long caseSeed = caseSeed(i);
            try {
                body.run(new Random(caseSeed), i);
            } catch (Throwable t) {
                throw new AssertionError(name + " case " + i + " failed (replay with -Dfuzz.replay=" + caseSeed
                        + "): " + t.getMessage(), t);
            }
        }
        System.err.printf("%s: %d cases in %d ms (%d ms CPU on the test thread)%n", name, iterations(),
                (System.nanoTime() - startNanos) / 1_000_000,
                (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - startCpu) / 1_000_000);
    }

    /** One generated case. */
    @FunctionalInterface
    interface Case {
        void run(Random random, int index) throws Exception;
    }
}
