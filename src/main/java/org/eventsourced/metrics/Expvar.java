package org.eventsourced.metrics;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.function.Supplier;

/**
 * Renders {@code /debug/vars} in the shape of Go's expvar: {@code cmdline}, {@code memstats}
 * (Go's field names, filled from the JVM's beans where the meaning maps) and
 * {@code eventsourced} (the original's keys plus ours).
 */
public final class Expvar {
    private final Metrics metrics;
    private final Supplier<List<NodeStatus>> nodes;
    private final List<String> cmdline;

    public Expvar(Metrics metrics, Supplier<List<NodeStatus>> nodes, List<String> cmdline) {
        this.metrics = metrics;
        this.nodes = nodes;
        this.cmdline = List.copyOf(cmdline);
    }

    public String render() {
        Json json = new Json();
        json.open();
        json.key("cmdline").stringArray(cmdline);
        json.key("memstats");
        memstats(json);
        json.key("eventsourced");
        eventsourced(json);
        json.close();
        return json.toString();
    }

    private void eventsourced(Json json) {
        List<NodeStatus> states = nodes.get();
        json.open();
        json.key("Broker").number(states.stream().mapToInt(NodeStatus::connections).sum());
        json.key("Consumer").number(metrics.openStreams.get());
        json.key("Delivery").number(metrics.deliveryRate.lastSecond());
        json.key("Goroutines").number(ManagementFactory.getThreadMXBean().getThreadCount()
                + metrics.requestThreads.get());
        json.key("Uptime").number(System.nanoTime() - metrics.startNanos);
        json.key("StreamsTotal").number(metrics.streamsTotal.sum());
        json.key("DeliveredTotal").number(metrics.delivered.sum());
        json.key("DeliveredBytesTotal").number(metrics.deliveredBytes.sum());
        json.key("AckedTotal").number(metrics.acked.sum());
        json.key("HeartbeatsTotal").number(metrics.heartbeats.sum());
        json.key("InvalidUtf8Total").number(metrics.invalidUtf8.sum());
        json.key("RejectedBusyTotal").number(metrics.rejectedBusy.sum());
        json.key("RejectedBadRequestTotal").number(metrics.rejectedBadRequest.sum());
        json.key("RejectedUnavailableTotal").number(metrics.rejectedUnavailable.sum());
        json.key("RejectedLimitTotal").number(metrics.rejectedLimit.sum());
        json.key("WriteTimeoutsTotal").number(metrics.writeTimeouts.sum());
        json.key("WritesStalled").number(metrics.stalledWrites.get());
        json.key("ResumesTotal").number(metrics.resumes.sum());
        json.key("SkippedDuplicatesTotal").number(metrics.skippedDuplicates.sum());
        json.key("TakeoversLocalTotal").number(metrics.takeoversLocal.sum());
        json.key("TakeoversRemoteTotal").number(metrics.takeoversRemote.sum());
        json.key("ErrorsTotal").number(metrics.errors.sum());
        json.key("Nodes");
        json.openArray();
        for (NodeStatus node : states) {
            json.open();
            json.key("Node").string(node.node());
            json.key("Connected").bool(node.connected());
            json.key("Connections").number(node.connections());
            json.key("Channels").number(node.channels());
            json.close();
        }
        json.closeArray();
        json.close();
    }

    private void memstats(Json json) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        MemoryUsage heap = memory.getHeapMemoryUsage();
        MemoryUsage nonHeap = memory.getNonHeapMemoryUsage();
        long gcCount = 0;
        long gcMillis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcCount += Math.max(0, gc.getCollectionCount());
            gcMillis += Math.max(0, gc.getCollectionTime());
        }
        long totalAlloc = totalAllocatedBytes(heap.getUsed());
        json.open();
        json.key("Alloc").number(heap.getUsed());
        json.key("TotalAlloc").number(totalAlloc);
        json.key("Sys").number(heap.getCommitted() + nonHeap.getCommitted());
        json.key("HeapAlloc").number(heap.getUsed());
        json.key("HeapSys").number(heap.getCommitted());
        json.key("HeapInuse").number(heap.getUsed());
        json.key("HeapIdle").number(heap.getCommitted() - heap.getUsed());
        json.key("NumGC").number(gcCount);
        json.key("NumForcedGC").number(metrics.forcedCollections.sum());
        json.key("PauseTotalNs").number(gcMillis * 1_000_000L);
        json.close();
    }

    /** Bytes allocated since start: HotSpot counts them per thread; else the live heap. */
    private static long totalAllocatedBytes(long fallback) {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean hotspot) {
            long total = hotspot.getTotalThreadAllocatedBytes();
            if (total >= 0) {
                return total;
            }
        }
        return fallback;
    }
}
