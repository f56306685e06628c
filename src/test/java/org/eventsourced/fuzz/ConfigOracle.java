package org.eventsourced.fuzz;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.eventsourced.config.BrokerNode;
import org.eventsourced.config.Config;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * What a straightforward reading of a config file says, done apart from the loader: the YAML is
 * loaded into plain maps, lists and strings (every plain scalar is text, as the config documents;
 * {@code ~}, {@code null} and nothing are null), then each documented key is read the obvious way:
 * numbers in decimal, URLs by RFC 3986 with percent-decoding, a header set to nothing removed.
 *
 * <p>Values are compared in a canonical text form, one entry per key, so a mismatch prints as a
 * readable diff.
 */
final class ConfigOracle {
    private static final Pattern WHOLE = Pattern.compile("[+-]?[0-9]+");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)");
    private static final Set<String> HOP_BY_HOP = Set.of("transfer-encoding", "content-length", "te", "trailer",
            "connection", "keep-alive", "upgrade", "proxy-connection");
    private static final Map<String, List<String>> KEYS = Map.of(
            "server", List.of("address", "heartbeat", "retry", "shutdown_timeout", "write_timeout"),
            "broker", List.of("node", "channel_max"),
            "queue", List.of("pattern", "expire", "expires", "prefetch", "type", "takeover"),
            "delivery", List.of("ack_delay", "ack_window"),
            "header", List.of("cors", "sse"),
            "auth", List.of("secret", "query", "cookie"),
            "limits", List.of("max_streams", "header_bytes", "header_count", "head_timeout", "query_bytes",
                    "cookie_bytes"));

    private ConfigOracle() {
    }

    /** The outcome of reading a file. */
    sealed interface Reading {
    }

    /** The file reads as a config with these values. */
    record Values(Map<String, String> values) implements Reading {
    }

    /** The file cannot be a config; a loader that accepts it has misread it. */
    record Unreadable(String why) implements Reading {
    }

    /** This reading has no opinion (e.g. the YAML uses explicit type tags). */
    record NoOpinion(String why) implements Reading {
    }

    static Reading read(String text) {
        Object root;
        try {
            root = textYaml().load(text);
        } catch (YAMLException | ClassCastException e) {
            return new Unreadable("YAML: " + e.getClass().getSimpleName());
        }
        Map<String, String> values = defaults();
        Map<String, String> cors = headerDefaults("cors");
        Map<String, String> sse = headerDefaults("sse");
        try {
            if (root == null) {
                return new Values(finish(values, cors, sse));
            }
            Map<?, ?> sections = map(root, "the file");
            for (Map.Entry<?, ?> section : sections.entrySet()) {
                String name = key(section.getKey(), "a section");
                if (!KEYS.containsKey(name)) {
                    throw new Refused("unknown section " + Gen.show(name));
                }
                if (section.getValue() == null) {
                    continue;
                }
                for (Map.Entry<?, ?> entry : map(section.getValue(), name).entrySet()) {
                    String key = key(entry.getKey(), name);
                    if (!KEYS.get(name).contains(key)) {
                        throw new Refused("unknown key " + name + "." + Gen.show(key));
                    }
                    String path = name + "." + key;
                    Object value = entry.getValue();
                    switch (path) {
                        case "header.cors" -> headers(value, cors, path);
                        case "header.sse" -> headers(value, sse, path);
                        case "broker.node" -> values.put(path, nodes(value));
                        case "auth.secret" -> values.put(path, readSecrets(value));
                        default -> values.put(path.equals("queue.expires") ? "queue.expire" : path,
                                scalar(path, text(value, path)));
                    }
                }
            }
        } catch (Refused e) {
            return new Unreadable(e.getMessage());
        } catch (NoOpinionException e) {
            return new NoOpinion(e.getMessage());
        }
        return new Values(finish(values, cors, sse));
    }

    /** The same canonical form, from a loaded config. */
    static Map<String, String> of(Config c) {
        Map<String, String> v = new TreeMap<>();
        v.put("server.address", c.server().host() + " " + c.server().port());
        v.put("server.heartbeat", seconds(c.server().heartbeat()));
        v.put("server.retry", seconds(c.server().retry()));
        v.put("server.shutdown_timeout", seconds(c.server().shutdownTimeout()));
        v.put("server.write_timeout", seconds(c.server().writeTimeout()));
        List<String> nodes = new ArrayList<>();
        for (BrokerNode node : c.broker().nodes()) {
            nodes.add(node(node.uri().getScheme(), node.username(), node.password(), node.host(), node.port(),
                    node.virtualHost()));
        }
        v.put("broker.node", String.join(" , ", nodes));
        v.put("broker.channel_max", Integer.toString(c.broker().channelMax()));
        v.put("queue.pattern", c.queue().pattern().source());
        v.put("queue.expire", seconds(c.queue().expire()));
        v.put("queue.prefetch", Integer.toString(c.queue().prefetch()));
        v.put("queue.type", c.queue().type().name().toLowerCase(Locale.ROOT));
        v.put("queue.takeover", c.queue().takeover().name().toLowerCase(Locale.ROOT));
        v.put("delivery.ack_delay", seconds(c.delivery().ackDelay()));
        v.put("delivery.ack_window", Integer.toString(c.delivery().ackWindow()));
        v.put("header.cors", headers(c.header().cors()));
        v.put("header.sse", headers(c.header().sse()));
        v.put("auth.secret", showSecrets(c.auth().secrets()));
        v.put("auth.query", c.auth().queryParameter());
        v.put("auth.cookie", c.auth().cookie());
        v.put("limits.max_streams", Integer.toString(c.limits().maxStreams()));
        v.put("limits.header_bytes", Integer.toString(c.limits().headerBytes()));
        v.put("limits.header_count", Integer.toString(c.limits().headerCount()));
        v.put("limits.head_timeout", seconds(c.limits().headTimeout()));
        v.put("limits.query_bytes", Integer.toString(c.limits().queryBytes()));
        v.put("limits.cookie_bytes", Integer.toString(c.limits().cookieBytes()));
        return v;
    }

    // ---- reading one value ----

    private static String scalar(String path, String text) {
        String t = text.trim();
        return switch (path) {
            case "server.address" -> address(t);
            case "server.heartbeat", "server.shutdown_timeout", "server.write_timeout", "queue.expire",
                    "queue.expires" -> whole(t, path);
            case "server.retry" -> new BigDecimal(whole(t, path)).movePointLeft(3).stripTrailingZeros()
                    .toPlainString();
            case "broker.channel_max", "queue.prefetch", "delivery.ack_window", "limits.max_streams",
                    "limits.header_bytes", "limits.header_count", "limits.head_timeout", "limits.query_bytes",
                    "limits.cookie_bytes" -> whole(t, path);
            case "auth.query", "auth.cookie" -> t;
            case "queue.pattern" -> text;
            case "queue.type" -> choice(t, path, "classic", "quorum");
            case "queue.takeover" -> choice(t, path, "reconnect", "never");
            case "delivery.ack_delay" -> decimalSeconds(t, path);
            default -> throw new IllegalStateException(path);
        };
    }

    private static String whole(String t, String path) {
        if (!WHOLE.matcher(t).matches()) {
            throw new Refused(path + ": not a whole number: " + Gen.show(t));
        }
        return new BigDecimal(t).toPlainString();
    }

    private static String decimalSeconds(String t, String path) {
        if (!DECIMAL.matcher(t).matches()) {
            throw new Refused(path + ": not a decimal number: " + Gen.show(t));
        }
        // the config keeps nanoseconds; a finer fraction is rounded
        return new BigDecimal(t).setScale(9, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }

    private static String choice(String t, String path, String... names) {
        for (String name : names) {
            if (name.equalsIgnoreCase(t)) {
                return name;
            }
        }
        throw new Refused(path + ": not one of " + String.join(", ", names) + ": " + Gen.show(t));
    }

    private static String address(String t) {
        String host;
        String port;
        if (t.startsWith("[")) {
            int close = t.indexOf("]:");
            if (close < 0) {
                throw new Refused("server.address: no ]:port in " + Gen.show(t));
            }
            host = t.substring(1, close);
            port = t.substring(close + 2);
        } else {
            int colon = t.lastIndexOf(':');
            if (colon < 0) {
                throw new Refused("server.address: no port in " + Gen.show(t));
            }
            host = colon == 0 ? "0.0.0.0" : t.substring(0, colon);
            port = t.substring(colon + 1);
        }
        return host + " " + whole(port, "server.address port");
    }

    private static String nodes(Object value) {
        List<?> items = value instanceof List<?> list ? list : value == null ? null : List.of(value);
        if (items == null || items.isEmpty()) {
            throw new Refused("broker.node: no URL");
        }
        List<String> nodes = new ArrayList<>();
        for (Object item : items) {
            nodes.add(url(text(item, "broker.node item")));
        }
        return String.join(" , ", nodes);
    }

    /** An AMQP URL read by RFC 3986: userinfo and vhost percent-decoded, nothing else special. */
    private static String url(String text) {
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new Refused("broker.node: not a URL");
        }
        String scheme = uri.getScheme();
        if (!"amqp".equals(scheme) && !"amqps".equals(scheme) || uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new Refused("broker.node: not an amqp(s)://host URL");
        }
        String user = "guest";
        String password = "guest";
        String info = uri.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            user = percentDecode(colon < 0 ? info : info.substring(0, colon));
            // no password at all keeps the default, as the AMQP URI spec and the RabbitMQ client say
            password = colon < 0 ? "guest" : percentDecode(info.substring(colon + 1));
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : "amqps".equals(scheme) ? 5671 : 5672;
        String path = uri.getRawPath();
        // the server documents "/" for no path and for a bare "/" (the AMQP URI spec would say "" for the latter)
        String vhost = path == null || path.length() <= 1 ? "/" : percentDecode(path.substring(1));
        return node(scheme, user, password, uri.getHost(), port, vhost);
    }

    /** Secrets: none for nothing, one for a text, the items of a list. */
    private static String readSecrets(Object value) {
        List<String> secrets = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (Object item : list) {
                secrets.add(text(item, "auth.secret item"));
            }
        } else if (value != null) {
            secrets.add(text(value, "auth.secret"));
        }
        return showSecrets(secrets);
    }

    /** Secrets by length and hash: a failing comparison must not print them. */
    private static String showSecrets(List<String> secrets) {
        List<String> shown = new ArrayList<>();
        for (String secret : secrets) {
            shown.add(secret.length() + " chars #" + Integer.toHexString(secret.hashCode()));
        }
        return secrets.size() + " secrets " + shown;
    }

    private static String node(String scheme, String user, String password, String host, int port, String vhost) {
        return scheme + " user=" + Gen.show(user) + " password=" + Gen.show(password) + " host=" + host + " port="
                + port + " vhost=" + Gen.show(vhost);
    }

    static String percentDecode(String raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            int hi = c == '%' && i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
            int lo = hi < 0 ? -1 : Character.digit(raw.charAt(i + 2), 16);
            if (lo >= 0) {
                bytes.write(hi * 16 + lo);
                i += 2;
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static void headers(Object value, Map<String, String> headers, String path) {
        if (value == null) {
            return;
        }
        for (Map.Entry<?, ?> header : map(value, path).entrySet()) {
            String name = key(header.getKey(), path);
            Object v = header.getValue();
            if (v == null) {
                headers.remove(name);
            } else if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                headers.put(name, text(v, path + "." + name));
            }
        }
    }

    // ---- structure ----

    private static Map<?, ?> map(Object value, String what) {
        if (value instanceof Map<?, ?> m) {
            return m;
        }
        throw new Refused(what + " is not a map");
    }

    private static String key(Object key, String where) {
        if (key instanceof String s) {
            return s;
        }
        throw new Refused("a key in " + where + " is not text: " + key);
    }

    private static String text(Object value, String path) {
        return switch (value) {
            case String s -> s;
            case null -> throw new Refused(path + " has no value");
            case Map<?, ?> m -> throw new Refused(path + " is a map");
            case List<?> l -> throw new Refused(path + " is a list");
            default -> throw new NoOpinionException(path + " has an explicit type tag: " + value.getClass());
        };
    }

    private static Map<String, String> defaults() {
        Map<String, String> v = new TreeMap<>();
        v.put("server.address", "0.0.0.0 2069");
        v.put("server.heartbeat", "15");
        v.put("server.retry", "3");
        v.put("server.shutdown_timeout", "10");
        v.put("server.write_timeout", "30");
        v.put("broker.node", node("amqp", "guest", "guest", "127.0.0.1", 5672, "/"));
        v.put("broker.channel_max", "0");
        v.put("queue.pattern", "${query:id}");
        v.put("queue.expire", "1800");
        v.put("queue.prefetch", "2000");
        v.put("queue.type", "classic");
        v.put("queue.takeover", "reconnect");
        v.put("delivery.ack_delay", "3");
        v.put("delivery.ack_window", "500");
        v.put("auth.secret", showSecrets(List.of()));
        v.put("auth.query", "token");
        v.put("auth.cookie", "eventsourced_token");
        v.put("limits.max_streams", "0");
        v.put("limits.header_bytes", "8192");
        v.put("limits.header_count", "50");
        v.put("limits.head_timeout", "10");
        v.put("limits.query_bytes", "2048");
        v.put("limits.cookie_bytes", "4096");
        return v;
    }

    private static Map<String, String> headerDefaults(String which) {
        Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (which.equals("cors")) {
            h.put("Access-Control-Allow-Origin", "*");
            h.put("Access-Control-Allow-Methods", "GET, OPTIONS");
            h.put("Access-Control-Allow-Headers", "Content-Type, Accept, Cache-Control, Last-Event-ID");
        } else {
            h.put("Content-Type", "text/event-stream; charset=utf-8");
            h.put("Cache-Control", "no-cache");
            h.put("X-Accel-Buffering", "no");
        }
        return h;
    }

    private static Map<String, String> finish(Map<String, String> values, Map<String, String> cors,
            Map<String, String> sse) {
        values.put("header.cors", headers(cors));
        values.put("header.sse", headers(sse));
        return values;
    }

    private static String headers(Map<String, String> headers) {
        Map<String, String> sorted = new TreeMap<>();
        headers.forEach((k, v) -> sorted.put(k.toLowerCase(Locale.ROOT), v));
        StringBuilder s = new StringBuilder();
        sorted.forEach((k, v) -> s.append(k).append('=').append(Gen.show(v)).append(' '));
        return s.toString().trim();
    }

    private static String seconds(Duration d) {
        return BigDecimal.valueOf(d.getSeconds()).add(BigDecimal.valueOf(d.getNano(), 9)).stripTrailingZeros()
                .toPlainString();
    }

    /** YAML to maps, lists and strings: no implicit types but null. */
    private static Yaml textYaml() {
        LoaderOptions options = new LoaderOptions();
        DumperOptions dumper = new DumperOptions();
        Resolver textOnly = new Resolver() {
            @Override
            protected void addImplicitResolvers() {
                addImplicitResolver(Tag.NULL, NULL, "~nN\0");
                addImplicitResolver(Tag.NULL, EMPTY, null);
            }
        };
        return new Yaml(new SafeConstructor(options), new Representer(dumper), dumper, options, textOnly);
    }

    /** The reading found the file cannot be a config. */
    private static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private static final class NoOpinionException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NoOpinionException(String message) {
            super(message, null, false, false);
        }
    }
}
