package org.eventsourced.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Prints the effective configuration as YAML that {@link ConfigLoader} reads back: every key, in the
 * documented order, in the units of the config file. Passwords are printed as {@code ****}.
 */
public final class ConfigPrinter {
    private static final Resolver RESOLVER = new Resolver();
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9$/.(][^#]*");

    private ConfigPrinter() {
    }

    public static String toYaml(Config config) {
        StringBuilder out = new StringBuilder();
        out.append("# effective configuration");
        out.append(config.sources().isEmpty() ? " (defaults, no config file found)\n"
                : ", read from: " + String.join(", ", config.sources()) + "\n");
        for (String warning : config.warnings()) {
            out.append("# warning: ").append(warning).append('\n');
        }

        ServerConfig server = config.server();
        out.append("server:\n");
        line(out, "address", scalar(server.address()));
        line(out, "heartbeat", seconds(server.heartbeat()));
        line(out, "retry", Long.toString(server.retry().toMillis()));
        line(out, "shutdown_timeout", seconds(server.shutdownTimeout()));
        line(out, "write_timeout", seconds(server.writeTimeout()));

        out.append("broker:\n  node:\n");
        for (BrokerNode node : config.broker().nodes()) {
            out.append("    - ").append(scalar(node.masked())).append('\n');
        }
        line(out, "channel_max", Integer.toString(config.broker().channelMax()));

        QueueConfig queue = config.queue();
        out.append("queue:\n");
        line(out, "pattern", scalar(queue.pattern().source()));
        line(out, "expire", seconds(queue.expire()));
        line(out, "prefetch", Integer.toString(queue.prefetch()));
        line(out, "type", queue.type().name().toLowerCase(Locale.ROOT));
        line(out, "takeover", queue.takeover().name().toLowerCase(Locale.ROOT));

        out.append("delivery:\n");
        line(out, "ack_delay", seconds(config.delivery().ackDelay()));
        line(out, "ack_window", Integer.toString(config.delivery().ackWindow()));

        out.append("header:\n");
        headers(out, "cors", config.header().cors(), Settings.DEFAULT_CORS);
        headers(out, "sse", config.header().sse(), Settings.DEFAULT_SSE);

        AuthConfig auth = config.auth();
        out.append("auth:\n");
        if (auth.enabled()) {
            out.append("  secret:  # not shown\n");
            auth.secrets().forEach(s -> out.append("    - '****'\n"));
        } else {
            line(out, "secret", "~  # tokens off");
        }
        line(out, "query", scalar(auth.queryParameter()));
        line(out, "cookie", scalar(auth.cookie()));

        LimitsConfig limits = config.limits();
        out.append("limits:\n");
        line(out, "max_streams", Integer.toString(limits.maxStreams()));
        line(out, "header_bytes", Integer.toString(limits.headerBytes()));
        line(out, "header_count", Integer.toString(limits.headerCount()));
        line(out, "head_timeout", seconds(limits.headTimeout()));
        line(out, "query_bytes", Integer.toString(limits.queryBytes()));
        line(out, "cookie_bytes", Integer.toString(limits.cookieBytes()));
        return out.toString();
    }

    private static void line(StringBuilder out, String key, String value) {
        out.append("  ").append(key).append(": ").append(value).append('\n');
    }

    // A default header that is gone was removed with "~": print that, or reading this back would restore it.
    private static void headers(StringBuilder out, String key, Map<String, String> headers, Map<String, String> defaults) {
        out.append("  ").append(key).append(":").append(headers.isEmpty() && defaults.isEmpty() ? " {}\n" : "\n");
        headers.forEach((name, value) -> out.append("    ").append(scalar(name)).append(": ")
                .append(scalar(value)).append('\n'));
        for (String name : defaults.keySet()) {
            if (headers.keySet().stream().noneMatch(name::equalsIgnoreCase)) {
                out.append("    ").append(scalar(name)).append(": ~  # removed\n");
            }
        }
    }

    /** Whole seconds as a plain number, anything finer as a decimal fraction. */
    private static String seconds(Duration duration) {
        return BigDecimal.valueOf(duration.getSeconds()).add(BigDecimal.valueOf(duration.getNano(), 9))
                .stripTrailingZeros().toPlainString();
    }

    /** Text as a YAML scalar: plain when it reads back as the same string, else single-quoted. */
    static String scalar(String text) {
        boolean plain = PLAIN.matcher(text).matches()
                && !text.contains(": ")
                && !text.endsWith(":")
                && text.equals(text.strip())
                && RESOLVER.resolve(NodeId.scalar, text, true).equals(Tag.STR);
        return plain ? text : "'" + text.replace("'", "''") + "'";
    }
}
