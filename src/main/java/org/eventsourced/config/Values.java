package org.eventsourced.config;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.eventsourced.config.YamlDoc.Entry;
import org.eventsourced.naming.QueueNamePattern;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** Turns the literal text of one setting into a value, or into an error at that setting's line. */
final class Values {
    private static final Pattern WHOLE = Pattern.compile("\\+?[0-9]{1,18}");
    private static final Pattern DECIMAL = Pattern.compile("\\+?([0-9]{1,18}(\\.[0-9]*)?|\\.[0-9]+)");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[A-Za-z0-9._-]+)?");
    private static final int MAX_SHOWN = 80;

    private Values() {
    }

    /** A bind address from {@code server.address}; the host is kept without IPv6 brackets. */
    record Address(String host, int port) {
    }

    /**
     * A whole number in {@code min..max}.
     *
     * @param rule what a valid value looks like, e.g. "must be a positive whole number of seconds"
     * @param tooLarge the message for a number above {@code max}
     */
    static long whole(Entry entry, long min, long max, String rule, String tooLarge) {
        String text = entry.text().trim();
        if (!WHOLE.matcher(text).matches() || Long.parseLong(text) < min) {
            throw entry.error(rule + ", got " + quoted(text));
        }
        long value = Long.parseLong(text);
        if (value > max) {
            throw entry.error(tooLarge + ", got " + quoted(text));
        }
        return value;
    }

    static long whole(Entry entry, long min, String rule) {
        return whole(entry, min, Integer.MAX_VALUE, rule, "must be at most " + Integer.MAX_VALUE);
    }

    /** Seconds >= 0 that may have a fraction, e.g. {@code 0.5}; at most {@code maxSeconds}. */
    static Duration decimalSeconds(Entry entry, long maxSeconds, String rule) {
        String text = entry.text().trim();
        if (!DECIMAL.matcher(text).matches()) {
            throw entry.error(rule + ", got " + quoted(text));
        }
        BigDecimal seconds = new BigDecimal(text.startsWith("+") ? text.substring(1) : text);
        if (seconds.compareTo(BigDecimal.valueOf(maxSeconds)) > 0) {
            throw entry.error("must be at most " + maxSeconds + " seconds, got " + quoted(text));
        }
        return Duration.ofNanos(seconds.movePointRight(9).setScale(0, RoundingMode.HALF_UP).longValueExact());
    }

    /** {@code host:port}, {@code [v6]:port} or {@code :port} (all IPv4 interfaces, as in the original server). */
    static Address address(Entry entry) {
        String text = entry.text().trim();
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || !text.startsWith(":", close + 1)) {
                throw entry.error("must be [IPv6]:port, e.g. [::1]:2069, got " + quoted(text));
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
            if (!IPV6.matcher(host).matches()) {
                throw entry.error("only an IPv6 address goes in brackets, got " + quoted(text));
            }
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0) {
                throw entry.error("must be host:port, e.g. 0.0.0.0:2069 (the port is missing), got " + quoted(text));
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
            if (IPV6.matcher(host).matches()) {
                throw entry.error("an IPv6 address needs brackets, e.g. [::1]:2069, got " + quoted(text));
            }
            if (host.isEmpty()) {
                host = "0.0.0.0";
            } else if (!HOST.matcher(host).matches()) {
                throw entry.error("the host must be a name or an IP address, got " + quoted(text));
            }
        }
        if (!WHOLE.matcher(port).matches() || Long.parseLong(port) > 65535) {
            throw entry.error("the port must be 0..65535 (0 picks a free port), got " + quoted(text));
        }
        return new Address(host, Integer.parseInt(port.startsWith("+") ? port.substring(1) : port));
    }

    /** One of the enum's constants, written in any case. */
    static <E extends Enum<E>> E choice(Entry entry, Class<E> type) {
        String text = entry.text().trim();
        List<String> names = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            names.add(constant.name().toLowerCase(Locale.ROOT));
            if (constant.name().equalsIgnoreCase(text)) {
                return constant;
            }
        }
        throw entry.error("must be " + String.join(" or ", names) + ", got " + quoted(text));
    }

    static QueueNamePattern pattern(Entry entry) {
        try {
            return QueueNamePattern.compile(entry.text());
        } catch (IllegalArgumentException e) {
            throw entry.error(oneLine(String.valueOf(e.getMessage())));
        }
    }

    /** One or two HMAC secrets of at least 16 bytes; never quoted back in an error. */
    static List<String> secrets(Entry entry, YamlDoc doc) {
        List<String> secrets = new ArrayList<>();
        if (entry.value() instanceof SequenceNode list) {
            for (Node item : list.getValue()) {
                if (!(item instanceof ScalarNode scalar) || YamlDoc.isNull(item)) {
                    throw doc.origin(item).error(entry.path(), "each item must be a secret string");
                }
                secrets.add(scalar.getValue());
            }
        } else if (entry.value() instanceof ScalarNode && !entry.isNull()) {
            secrets.add(entry.text());
        } else if (!entry.isNull()) {
            throw entry.error("must be a secret string or a list of two (current, previous)");
        }
        if (secrets.size() > 2) {
            throw entry.error("at most two secrets: the current one and the one being retired");
        }
        for (String secret : secrets) {
            if (secret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 16) {
                throw entry.error("each secret must be at least 16 bytes (value not shown)");
            }
        }
        return secrets;
    }

    /** A query parameter or cookie name. */
    static String token(Entry entry) {
        String text = entry.text().trim();
        if (!text.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw entry.error("must be a name of letters, digits, '_', '.' or '-', got " + quoted(text));
        }
        return text;
    }

    /** A list of broker URLs, or a single URL; errors point at the offending item. */
    static List<BrokerNode> brokerNodes(Entry entry, YamlDoc doc) {
        if (entry.value() instanceof SequenceNode list) {
            if (list.getValue().isEmpty()) {
                throw entry.error("needs at least one amqp:// URL");
            }
            List<BrokerNode> nodes = new ArrayList<>();
            for (Node item : list.getValue()) {
                if (!(item instanceof ScalarNode scalar) || YamlDoc.isNull(item)) {
                    throw doc.origin(item).error(entry.path(), "each item must be an amqp:// URL, got "
                            + YamlDoc.describe(item));
                }
                nodes.add(brokerNode(doc.origin(item), entry.path(), scalar.getValue()));
            }
            return nodes;
        }
        if (entry.value() instanceof ScalarNode && !entry.isNull()) {
            return List.of(brokerNode(entry.origin(), entry.path(), entry.text()));
        }
        throw entry.error("must be a list of amqp:// URLs, got " + YamlDoc.describe(entry.value()));
    }

    private static BrokerNode brokerNode(Origin origin, String key, String url) {
        BrokerNode node;
        try {
            node = BrokerNode.of(url);
        } catch (IllegalArgumentException e) {
            throw origin.error(key, oneLine(String.valueOf(e.getMessage())) + ": " + quoted(url));
        }
        String problem = null;
        if (node.uri().getPort() == 0 || node.uri().getPort() > 65535) {
            problem = "the port must be 1..65535";
        } else if (node.uri().getRawPath() != null && node.uri().getRawPath().indexOf('/', 1) >= 0) {
            problem = "the virtual host must be one path segment (write a / inside it as %2F)";
        }
        if (problem != null) {
            throw origin.error(key, problem + ": " + quoted(node.masked()));
        }
        return node;
    }

    /**
     * Text as an error message shows it: quoted, on one line, shortened, and with anything that looks
     * like a password in a URL replaced by {@code ****}.
     */
    static String quoted(String text) {
        String masked = maskCredentials(text);
        String shown = masked.length() > MAX_SHOWN ? masked.substring(0, MAX_SHOWN) + "..." : masked;
        return "\"" + oneLine(shown.replace("\\", "\\\\").replace("\"", "\\\"")) + "\"";
    }

    /** Control characters escaped, so a message stays one line. */
    static String oneLine(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /**
     * Masks the password of anything URL-like, also in text that does not parse as a URL: from the
     * first {@code :} that does not start {@code ://} up to the last {@code @}; in a URL without an
     * {@code @}, a "port" that is not digits, as in {@code amqp://user:secret}.
     */
    static String maskCredentials(String text) {
        int at = text.lastIndexOf('@');
        int colon = text.indexOf(':');
        while (colon >= 0 && text.startsWith("//", colon + 1)) {
            colon = text.indexOf(':', colon + 1);
        }
        if (colon < 0) {
            return text;
        }
        if (at > colon) {
            return text.substring(0, colon + 1) + "****" + text.substring(at);
        }
        int scheme = text.indexOf("://");
        if (at >= 0 || scheme < 0 || scheme > colon) {
            return text;
        }
        int end = colon + 1;
        while (end < text.length() && "/?#".indexOf(text.charAt(end)) < 0) {
            end++;
        }
        String port = text.substring(colon + 1, end);
        return port.chars().allMatch(Character::isDigit) ? text : text.substring(0, colon + 1) + "****" + text.substring(end);
    }
}
