package org.eventsourced.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** eventsourced as a black box: its address, its process (for RSS) and its {@code /debug/vars}. */
final class Server {
    private static final Pattern CONSUMER = Pattern.compile("\"Consumer\"\\s*:\\s*(-?\\d+)");

    private final InetSocketAddress address;
    private final long pid;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    Server(InetSocketAddress address, long pid) {
        this.address = address;
        this.pid = pid;
    }

    InetSocketAddress address() {
        return address;
    }

    /** The server's JVM, 0 if unknown. */
    long pid() {
        return pid;
    }

    /** The server's VmRSS in bytes, -1 if its pid is unknown or gone. */
    long rss() {
        return pid > 0 ? rss(pid) : -1;
    }

    static long rss(long pid) {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/" + pid + "/status"));
            for (String l : lines) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.substring(6).replace("kB", "").trim()) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** CPU time (user + system) the server's process has used, in ns; -1 if unknown. */
    long cpuNanos() {
        return pid > 0 ? cpuNanos(pid) : -1;
    }

    /** CPU time of any process from /proc/PID/stat, -1 if unknown. */
    static long cpuNanos(long pid) {
        try {
            return cpuNanosOf(Files.readString(Path.of("/proc/" + pid + "/stat")));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** User + system time from the text of a /proc/PID/stat or /proc/PID/task/TID/stat (clock ticks of 10 ms). */
    private static long cpuNanosOf(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // after "pid (comm) ": state is field 3, utime field 14, stime field 15
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
    }

    /**
     * CPU time of the server's JIT compiler threads so far (HotSpot names them "C1 CompilerThreadN" and "C2
     * CompilerThreadN"), -1 if unknown. HotSpot starts and stops compiler threads as its queue needs, and an ended
     * thread's time no longer counts, so a difference of two readings is a lower bound.
     */
    long compilerCpuNanos() {
        return sumOverThreads(task -> {
            String stat = Files.readString(task.resolve("stat"));
            String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
            boolean compiler = comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre");
            return compiler ? cpuNanosOf(stat) : 0;
        });
    }

    /**
     * Context switches of the server's threads so far (voluntary and not, from /proc/PID/task/TID/status; threads
     * that ended no longer count), -1 if unknown. Waking a thread that sleeps is most of what a message costs the
     * server when many streams each get one message at a time.
     */
    long contextSwitches() {
        return sumOverThreads(task -> {
            long sum = 0;
            for (String line : Files.readAllLines(task.resolve("status"))) {
                if (line.contains("ctxt_switches:")) {
                    sum += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            return sum;
        });
    }

    /** What one thread of the server counts, read from its /proc/PID/task/TID directory. */
    private interface ThreadFigure {
        long of(Path task) throws IOException;
    }

    /** The sum of a figure over the server's live threads, -1 if unknown. */
    private long sumOverThreads(ThreadFigure figure) {
        if (pid <= 0) {
            return -1;
        }
        long sum = 0;
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    sum += figure.of(task);
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
            return sum;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Has the server's JVM collect its heap in full ({@code jcmd PID GC.run}, with the bench JVM's own
     * {@code jcmd}) and says how that went, for the notes.
     */
    String collectInFull() {
        if (pid <= 0) {
            return "no full collection: the server's pid is unknown";
        }
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.run")
                    .redirectErrorStream(true).start();
            // reading to the end of its output is waiting for it to exit
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = p.waitFor();
            return exit == 0 ? "full collection (jcmd GC.run)"
                    : "no full collection: jcmd GC.run exited with " + exit + ": " + out.strip();
        } catch (IOException e) {
            return "no full collection: " + jcmd + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "no full collection: interrupted";
        }
    }

    /** The whole /debug/vars document, or an error text. */
    String vars() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                            URI.create("http://" + address.getHostString() + ":" + address.getPort() + "/debug/vars"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : "HTTP " + r.statusCode();
        } catch (IOException e) {
            return "error: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** {@code eventsourced.Consumer} (open streams), -1 if it could not be read. */
    int consumers() {
        Matcher m = CONSUMER.matcher(vars());
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** Polls /debug/vars until Consumer equals {@code expected}; returns the last value read. */
    int awaitConsumers(int expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = consumers();
        while (seen != expected && System.nanoTime() < deadline) {
            Thread.sleep(100);
            seen = consumers();
        }
        return seen;
    }
}
