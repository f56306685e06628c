package org.eventsourced.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One config file as a YAML node tree. Scalars are read as their literal text (so {@code no} stays
 * "no"), and every node can say where it was written.
 */
final class YamlDoc {
    private final String file;
    private final int order;
    private final MappingNode root;

    private YamlDoc(String file, int order, MappingNode root) {
        this.file = file;
        this.order = order;
        this.root = root;
    }

    /**
     * Reads and parses a file.
     *
     * @param order    position of the file in the lookup, later files override earlier ones
     * @param required whether a missing file is an error (else it is skipped)
     * @return the document, or empty when an optional file does not exist
     */
    static Optional<YamlDoc> read(Path path, int order, boolean required) {
        String file = path.toString();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            if (required) {
                throw new ConfigException(file + ": no such config file");
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + Values.oneLine(String.valueOf(e.getMessage())));
        }
        String text;
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(in)
                    .toString();
        } catch (CharacterCodingException e) {
            int line = 1;
            for (int i = 0; i < Math.min(in.position(), bytes.length); i++) {
                line += bytes[i] == '\n' ? 1 : 0;
            }
            throw new ConfigException(file + ":" + line + ": not valid UTF-8");
        }
        return Optional.of(parse(file, order, text));
    }

    static YamlDoc parse(String file, int order, String text) {
        Node node;
        try {
            // the composer alone: a full Yaml instance would also build a constructor and a
            // representer, which cost start-up time and are never used here
            LoaderOptions options = new LoaderOptions();
            node = new Composer(new ParserImpl(new StreamReader(new StringReader(text)), options), new Resolver(),
                    options).getSingleNode();
        } catch (MarkedYAMLException e) {
            throw new ConfigException(syntaxError(file, e));
        } catch (ReaderException e) {
            int line = 1 + (int) text.substring(0, Math.min(text.length(), Math.max(0, e.getPosition())))
                    .chars().filter(c -> c == '\n').count();
            throw new ConfigException(file + ":" + line + ": YAML error: " + Values.oneLine(String.valueOf(e.getMessage())));
        } catch (YAMLException e) {
            throw new ConfigException(file + ": YAML error: " + Values.oneLine(String.valueOf(e.getMessage())));
        }
        if (node == null || isNull(node)) {
            return new YamlDoc(file, order, null);
        }
        if (node instanceof MappingNode map) {
            return new YamlDoc(file, order, map);
        }
        throw new ConfigException(file + ":" + line(node)
                + ": the file must be a map of sections (" + String.join(", ", Keys.SECTIONS.keySet())
                + "), got " + describe(node));
    }

    // Only the problem and context texts: getMessage() adds a snippet of the line, which may hold a password.
    private static String syntaxError(String file, MarkedYAMLException e) {
        Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
        String where = mark == null ? file : file + ":" + (mark.getLine() + 1);
        String problem = e.getProblem() != null ? e.getProblem() : String.valueOf(e.getContext());
        if (e.getProblem() != null && e.getContext() != null) {
            Mark contextMark = e.getContextMark();
            String line = contextMark != null && contextMark != mark ? " on line " + (contextMark.getLine() + 1) : "";
            problem = problem.startsWith("but ")
                    ? e.getContext() + line + ", " + problem
                    : problem + " (" + e.getContext() + line + ")";
        }
        return where + ": YAML syntax error: " + Values.oneLine(problem);
    }

    String file() {
        return file;
    }

    /** The top-level entries, in the order written; none for an empty file. */
    List<Entry> sections() {
        return root == null ? List.of() : entries(root, "");
    }

    /** The entries of a map, in the order written; a key written twice is an error. */
    List<Entry> entries(MappingNode map, String parent) {
        List<Entry> entries = new ArrayList<>();
        Map<String, Entry> seen = new HashMap<>();
        for (NodeTuple tuple : map.getValue()) {
            Node key = tuple.getKeyNode();
            Origin origin = origin(key);
            if (!(key instanceof ScalarNode scalar) || isNull(key)) {
                throw origin.error(parent.isEmpty() ? "(top level)" : parent,
                        "keys must be plain names, got " + describe(key));
            }
            String name = scalar.getValue();
            Entry entry = new Entry(name, parent.isEmpty() ? name : parent + "." + name, tuple.getValueNode(), origin);
            Entry previous = seen.putIfAbsent(name, entry);
            if (previous != null) {
                throw entry.error("duplicate key (already set on line " + previous.origin().line() + ")");
            }
            entries.add(entry);
        }
        return entries;
    }

    Origin origin(Node node) {
        return new Origin(file, order, line(node));
    }

    private static int line(Node node) {
        return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    static boolean isNull(Node node) {
        return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
    }

    /** A node as an error message shows it: "a map", "a list", "nothing" or the quoted text. */
    static String describe(Node node) {
        return switch (node) {
            case MappingNode m -> "a map";
            case SequenceNode s -> "a list";
            case ScalarNode s when isNull(s) -> "nothing";
            case ScalarNode s -> Values.quoted(s.getValue());
            default -> "a " + node.getNodeId();
        };
    }

    /**
     * A {@code key: value} pair with the full dotted path of its key.
     *
     * @param origin where the key is written
     */
    record Entry(String name, String path, Node value, Origin origin) {
        ConfigException error(String message) {
            return origin.error(path, message);
        }

        boolean isNull() {
            return YamlDoc.isNull(value);
        }

        /** The value's literal text; it must be a single value. */
        String text() {
            if (isNull()) {
                throw error("has no value (remove the line to keep the default)");
            }
            if (!(value instanceof ScalarNode scalar)) {
                throw error("must be a single value, got " + describe(value));
            }
            return scalar.getValue();
        }

        /** The value as a map of keys; it must be one. */
        MappingNode map(String what) {
            if (value instanceof MappingNode map) {
                return map;
            }
            throw error("must be a map of " + what + ", got " + describe(value));
        }
    }
}
