package org.eventsourced.config;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eventsourced.config.QueueConfig.QueueType;
import org.eventsourced.config.QueueConfig.Takeover;
import org.eventsourced.config.Values.Address;
import org.eventsourced.config.YamlDoc.Entry;
import org.eventsourced.naming.QueueNamePattern;

/**
 * The configuration while files are applied one after another: starts at the defaults, each file
 * overrides the keys it sets and leaves the rest, then {@link #toConfig} checks keys against each other.
 */
final class Settings {
    static final Map<String, String> DEFAULT_CORS = ordered(
            "Access-Control-Allow-Origin", "*",
            "Access-Control-Allow-Methods", "GET, OPTIONS",
            "Access-Control-Allow-Headers", "Content-Type, Accept, Cache-Control, Last-Event-ID");
    static final Map<String, String> DEFAULT_SSE = ordered(
            "Content-Type", "text/event-stream; charset=utf-8",
            "Cache-Control", "no-cache",
            "X-Accel-Buffering", "no");
    /** RabbitMQ's x-expires is at most 2^32-1 milliseconds. */
    static final long MAX_EXPIRE_SECONDS = 0xFFFF_FFFFL / 1000;
    /** Well under RabbitMQ's consumer_timeout (30 min by default), past which it closes the channel. */
    static final long MAX_ACK_DELAY_SECONDS = 900;
    private static final String POSITIVE_SECONDS = "must be a positive whole number of seconds";

    private final Setting<Address> address = new Setting<>(new Address("0.0.0.0", 2069));
    private final Setting<Duration> heartbeat = new Setting<>(Duration.ofSeconds(15));
    private final Setting<Duration> retry = new Setting<>(Duration.ofMillis(3000));
    private final Setting<Duration> shutdownTimeout = new Setting<>(Duration.ofSeconds(10));
    private final Setting<Duration> writeTimeout = new Setting<>(Duration.ofSeconds(30));
    private final Setting<List<BrokerNode>> nodes =
            new Setting<>(List.of(BrokerNode.of("amqp://guest:guest@127.0.0.1:5672/")));
    private final Setting<Integer> channelMax = new Setting<>(0);
    private final Setting<QueueNamePattern> pattern = new Setting<>(QueueNamePattern.compile("${query:id}"));
    private final Setting<Duration> expire = new Setting<>(Duration.ofSeconds(1800));
    /**
     * Four times the ack window's default: the newest ack_window written messages stay unacked for
     * resume, so what the broker may send a busy stream ahead is the prefetch minus those (and minus
     * an ack step). With 1000 that was 250-500 against the baseline client's 500-1000, and one stream
     * reached 0.87-0.99 of its rate; with 2000 0.95-1.10 (bench/HISTORY.md, "2026-12-01, the prefetch").
     */
    private final Setting<Integer> prefetch = new Setting<>(2000);
    private final Setting<QueueType> type = new Setting<>(QueueType.CLASSIC);
    private final Setting<Takeover> takeover = new Setting<>(Takeover.RECONNECT);
    private final Setting<Duration> ackDelay = new Setting<>(Duration.ofSeconds(3));
    private final Setting<Integer> ackWindow = new Setting<>(500);
    private final HeaderMap cors = new HeaderMap("header.cors", DEFAULT_CORS);
    private final HeaderMap sse = new HeaderMap("header.sse", DEFAULT_SSE);
    private final Setting<List<String>> secrets = new Setting<>(List.of());
    private final Setting<String> tokenQuery = new Setting<>("token");
    private final Setting<String> tokenCookie = new Setting<>("eventsourced_token");
    private final Setting<Integer> maxStreams = new Setting<>(0);
    private final Setting<Integer> headerBytes = new Setting<>(8192);
    private final Setting<Integer> headerCount = new Setting<>(50);
    private final Setting<Duration> headTimeout = new Setting<>(Duration.ofSeconds(10));
    private final Setting<Integer> queryBytes = new Setting<>(2048);
    private final Setting<Integer> cookieBytes = new Setting<>(4096);

    /** A value and where it was last set. */
    private static final class Setting<T> {
        T value;
        Origin origin = Origin.DEFAULT;

        Setting(T value) {
            this.value = value;
        }

        void set(T newValue, Entry entry) {
            value = newValue;
            origin = entry.origin();
        }
    }

    /** Applies the keys one file sets; warnings for what it set but is ignored go to {@code warnings}. */
    void apply(YamlDoc doc, List<String> warnings) {
        for (Entry section : doc.sections()) {
            if (!Keys.SECTIONS.containsKey(section.name())) {
                throw section.error(Keys.unknown("", section.name()));
            }
            if (section.isNull()) {
                continue;
            }
            Entry expireEntry = null;
            for (Entry entry : doc.entries(section.map("keys"), section.path())) {
                if (entry.path().equals("queue.expire") || entry.path().equals("queue.expires")) {
                    if (expireEntry != null) {
                        throw entry.error(expireEntry.path() + " is already set on line " + expireEntry.origin().line()
                                + " (expires is the older spelling of expire: keep one)");
                    }
                    expireEntry = entry;
                }
                applyKey(entry, doc, warnings);
            }
        }
    }

    private void applyKey(Entry e, YamlDoc doc, List<String> warnings) {
        switch (e.path()) {
            case "server.address" -> address.set(Values.address(e), e);
            case "server.heartbeat" -> heartbeat.set(Duration.ofSeconds(Values.whole(e, 0,
                    "must be a whole number of seconds >= 0 (0 turns heartbeats off)")), e);
            case "server.retry" -> retry.set(Duration.ofMillis(Values.whole(e, 0,
                    "must be a whole number of milliseconds >= 0")), e);
            case "server.shutdown_timeout" -> shutdownTimeout.set(Duration.ofSeconds(
                    Values.whole(e, 1, POSITIVE_SECONDS)), e);
            case "server.write_timeout" -> writeTimeout.set(Duration.ofSeconds(Values.whole(e, 1, POSITIVE_SECONDS)), e);
            case "broker.node" -> nodes.set(Values.brokerNodes(e, doc), e);
            case "broker.channel_max" -> channelMax.set((int) Values.whole(e, 0, 65535,
                    "must be 0 (the broker's limit) or 1..65535", "must be 0 (the broker's limit) or 1..65535"), e);
            case "queue.pattern" -> pattern.set(Values.pattern(e), e);
            case "queue.expire", "queue.expires" -> expire.set(Duration.ofSeconds(Values.whole(e, 1,
                    MAX_EXPIRE_SECONDS, POSITIVE_SECONDS,
                    "must be at most " + MAX_EXPIRE_SECONDS + " seconds (RabbitMQ's x-expires limit)")), e);
            case "queue.prefetch" -> prefetch.set((int) Values.whole(e, 1, 65535,
                    "must be a whole number 1..65535", "must be a whole number 1..65535"), e);
            case "queue.type" -> type.set(Values.choice(e, QueueType.class), e);
            case "queue.takeover" -> takeover.set(Values.choice(e, Takeover.class), e);
            case "delivery.ack_delay" -> ackDelay.set(Values.decimalSeconds(e, MAX_ACK_DELAY_SECONDS,
                    "must be a number of seconds >= 0, fractions allowed (e.g. 0.5)"), e);
            case "delivery.ack_window" -> ackWindow.set((int) Values.whole(e, 0,
                    "must be a whole number of messages >= 0"), e);
            case "header.cors" -> cors.apply(e, doc, warnings);
            case "header.sse" -> sse.apply(e, doc, warnings);
            case "auth.secret" -> secrets.set(Values.secrets(e, doc), e);
            case "auth.query" -> tokenQuery.set(Values.token(e), e);
            case "auth.cookie" -> tokenCookie.set(Values.token(e), e);
            case "limits.max_streams" -> maxStreams.set((int) Values.whole(e, 0, 1_000_000,
                    "must be 0 (sized from the file-descriptor limit) or a whole number of streams",
                    "must be at most 1000000"), e);
            case "limits.header_bytes" -> headerBytes.set(positiveInt(e, "bytes"), e);
            case "limits.header_count" -> headerCount.set(positiveInt(e, "headers"), e);
            case "limits.head_timeout" -> headTimeout.set(Duration.ofSeconds(Values.whole(e, 1, POSITIVE_SECONDS)), e);
            case "limits.query_bytes" -> queryBytes.set(positiveInt(e, "bytes"), e);
            case "limits.cookie_bytes" -> cookieBytes.set(positiveInt(e, "bytes"), e);
            default -> throw e.error(Keys.unknown(e.path().substring(0, e.path().indexOf('.')), e.name()));
        }
    }

    private static int positiveInt(Entry e, String unit) {
        return (int) Values.whole(e, 1, 1_048_576, "must be a positive whole number of " + unit,
                "must be at most 1048576 " + unit);
    }

    /** Checks the keys against each other and builds the records. */
    Config toConfig(List<String> sources, List<String> warnings) {
        checkAckWindow();
        try {
            return new Config(
                    new ServerConfig(address.value.host(), address.value.port(), heartbeat.value, retry.value,
                            shutdownTimeout.value, writeTimeout.value),
                    new BrokerConfig(nodes.value, channelMax.value),
                    new QueueConfig(pattern.value, expire.value, prefetch.value, type.value, takeover.value),
                    new DeliveryConfig(ackDelay.value, ackWindow.value),
                    new HeaderConfig(cors.values(), sse.values()),
                    new AuthConfig(secrets.value, tokenQuery.value, tokenCookie.value),
                    new LimitsConfig(maxStreams.value, headerBytes.value, headerCount.value, headTimeout.value,
                            queryBytes.value, cookieBytes.value),
                    sources,
                    warnings);
        } catch (IllegalArgumentException e) {
            // the checks above should have caught it; still one line and no password
            throw new ConfigException("invalid configuration: " + Values.oneLine(String.valueOf(e.getMessage())));
        }
    }

    // The broker stops at prefetch unacked deliveries; a window that large is never reached.
    private void checkAckWindow() {
        if (ackWindow.value < prefetch.value) {
            return;
        }
        String why = ": the broker sends at most queue.prefetch unacked messages, so a window that large is never"
                + " filled and a busy stream stalls until ack_delay passes; keep queue.prefetch larger";
        if (ackWindow.origin.isAfter(prefetch.origin)) {
            throw ackWindow.origin.error("delivery.ack_window", "must be smaller than queue.prefetch ("
                    + prefetch.value + ", " + prefetch.origin.describe() + "), got " + ackWindow.value + why);
        }
        throw prefetch.origin.error("queue.prefetch", "must be larger than delivery.ack_window ("
                + ackWindow.value + ", " + ackWindow.origin.describe() + "), got " + prefetch.value + why);
    }

    private static Map<String, String> ordered(String... namesAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return Collections.unmodifiableMap(map);
    }
}
