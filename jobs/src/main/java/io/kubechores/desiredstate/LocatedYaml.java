package io.kubechores.desiredstate;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.HashSet;

/**
 * Parses a (multi-document) YAML file into JSON trees while remembering the line and column of every field,
 * so schema and rule errors can point at file:line:column.
 */
public final class LocatedYaml {
    /** Deepest nesting of mappings and lists read; deeper is refused with its line:column. */
    public static final int MAX_DEPTH = 64;
    /** Values (scalars, mappings and lists) aliases may copy in one document: caps an alias bomb ("billion laughs"). */
    public static final int MAX_ALIAS_VALUES = 10_000;
    private static final Factory YAML = new Factory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private LocatedYaml() {}

    /** Jackson's YAML factory, with SnakeYAML reading through {@link LinearStreamReader}. */
    private static final class Factory extends YAMLFactory {
        AnchoredParser parser(String text) {
            LoaderOptions options = new LoaderOptions();
            options.setCodePointLimit(Integer.MAX_VALUE); // the loader caps file sizes itself, with a clear error
            IOContext ctxt = _createContext(_createContentReference(text), true);
            return new AnchoredParser(ctxt, _parserFeatures, _yamlParserFeatures, _objectCodec,
                    new ParserImpl(new LinearStreamReader(text), options));
        }
    }

    /**
     * Jackson's YAML parser reports an alias as the text of its name ({@code prod: *v} reads "v") and drops the
     * anchors of scalars; this subclass exposes the SnakeYAML event behind the current token so both are known.
     */
    static final class AnchoredParser extends YAMLParser {
        AnchoredParser(IOContext ctxt, int parserFeatures, int yamlFeatures, ObjectCodec codec, ParserImpl parser) {
            super(ctxt, parserFeatures, yamlFeatures, codec, new StringReader(""), parser);
        }

        /** The anchor (&name) on the node of the current token, or null. */
        String anchor() {
            return _lastEvent instanceof NodeEvent n && !(n instanceof AliasEvent) ? n.getAnchor() : null;
        }

        /** True when the current token is a scalar written as nothing at all. */
        boolean emptyScalar() {
            return _lastEvent instanceof ScalarEvent s && s.getValue().isEmpty();
        }

        /** True for an empty plain scalar (what SnakeYAML reports for an empty or comment-only document). */
        boolean emptyPlainScalar() {
            return _lastEvent instanceof ScalarEvent s && s.getValue().isEmpty() && s.getAnchor() == null
                    && s.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN && s.getTag() == null;
        }
    }

    /** One YAML document and where each of its fields was written. */
    public record Doc(JsonNode root, FieldLocations locations, Set<String> undefinedAliases) {
        public Doc(JsonNode root, FieldLocations locations) {
            this(root, locations, Set.of());
        }

        public Doc {
            undefinedAliases = Set.copyOf(undefinedAliases);
        }
    }

    /** A YAML syntax error. */
    public static final class SyntaxError extends Exception {
        private final Location location;

        SyntaxError(Location location, String message) {
            super(message);
            this.location = location;
        }

        public Location location() {
            return location;
        }
    }

    /**
     * Parses every document of a file; stops at the first duplicate key or syntax error.
     * Prefer {@link #parse(String, String, List)}, which reports every duplicate key and keeps the documents read
     * before a syntax error.
     */
    public static List<Doc> parse(String file, String text) throws SyntaxError {
        List<Problem> problems = new ArrayList<>();
        List<Doc> docs = parse(file, text, problems);
        if (!problems.isEmpty()) {
            Problem first = problems.get(0);
            throw new SyntaxError(first.location(),
                    (first.field().isEmpty() ? "" : first.field() + ": ") + first.message());
        }
        return docs;
    }

    /**
     * Parses every document of a file, adding a {@link Problem} for each duplicate key (the first value is kept)
     * and for a syntax error (parsing stops there; the documents completed before it are returned).
     * Aliases are resolved to their anchor's value, merge keys ({@code <<: *base}) are applied; an empty or
     * comment-only document (e.g. after a trailing {@code ---}) is no document.
     */
    public static List<Doc> parse(String file, String text, List<Problem> problems) {
        return parseAll(file, text, problems).docs();
    }

    /** The documents read and whether the whole file was read (false after a syntax error or a refused construct). */
    public record Parsed(List<Doc> docs, boolean complete) {}

    /** Like {@link #parse(String, String, List)}, and says whether parsing reached the end of the file. */
    public static Parsed parseAll(String file, String text, List<Problem> problems) {
        List<Doc> docs = new ArrayList<>();
        Location control = firstNonPrintable(file, text);
        if (control != null) {
            int cp = text.codePointAt(offset(text, control));
            problems.add(new Problem(control, "", String.format(
                    "invalid YAML: the control character U+%04X is not allowed (only tab, line breaks and printable characters)", cp)));
            return new Parsed(docs, false);
        }
        try (AnchoredParser p = YAML.parser(text)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                Location start = loc(file, p.currentTokenLocation());
                if ((t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NULL) && p.emptyPlainScalar()) continue; // empty / comment-only document
                DocReader r = new DocReader(p, file, problems);
                JsonNode root;
                try {
                    root = r.read(t, "", 0);
                    if (root == null) root = NODES.nullNode();
                } catch (Abandoned e) {
                    return new Parsed(docs, false); // reported; the rest of the file is not read
                }
                r.locs.putIfAbsent("", start);
                docs.add(new Doc(root, new FieldLocations(start, r.locs), r.undefined));
            }
            return new Parsed(docs, true);
        } catch (StreamConstraintsException e) {
            JsonLocation l = e.getLocation();
            problems.add(new Problem(l == null ? new Location(file, 0, 0) : loc(file, l), "",
                    "invalid YAML: " + constraintWords(e.getMessage())));
        } catch (JsonProcessingException e) {
            problems.add(syntaxProblem(file, e));
        } catch (IOException e) {
            problems.add(new Problem(new Location(file, 0, 0), "", "cannot read: " + e.getMessage()));
        }
        return new Parsed(docs, false);
    }

    /** The words of Jackson's stream-constraint message without its API name. */
    private static String constraintWords(String message) {
        String m = message == null ? "too large" : message;
        int paren = m.indexOf(", from `");
        if (paren > 0) m = m.substring(0, paren) + ")";
        return m;
    }

    /** The first character SnakeYAML would refuse (YAML 1.1 c-printable), with its line and column; null if none. */
    static Location firstNonPrintable(String file, String text) {
        int line = 1;
        int col = 1;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            if (!StreamReader.isPrintable(c) || (Character.isSurrogate(text.charAt(i)) && Character.charCount(c) == 1)) {
                return new Location(file, line, col);
            }
            if (c == '\n' || (c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n'))) {
                line++;
                col = 1;
            } else {
                col++;
            }
            i += Character.charCount(c);
        }
        return null;
    }

    private static int offset(String text, Location l) {
        int line = 1;
        int col = 1;
        for (int i = 0; i < text.length(); ) {
            if (line == l.line() && col == l.column()) return i;
            int c = text.codePointAt(i);
            if (c == '\n' || (c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n'))) {
                line++;
                col = 1;
            } else {
                col++;
            }
            i += Character.charCount(c);
        }
        return text.length() - 1;
    }

    /** Turns the YAML parser's error into a location (the problem mark) and words with a hint where one helps. */
    private static Problem syntaxProblem(String file, JsonProcessingException e) {
        Throwable cause = e.getCause();
        if (cause instanceof MarkedYAMLException m && m.getProblemMark() != null) {
            Mark at = m.getProblemMark();
            if (m.getProblem() != null && m.getProblem().contains("TAB")) {
                return new Problem(new Location(file, at.getLine() + 1, at.getColumn() + 1), "",
                        "invalid YAML: a tab character; indent with spaces, not tabs");
            }
            StringBuilder msg = new StringBuilder("invalid YAML: ").append(m.getProblem());
            if (m.getContext() != null) {
                msg.append(" (").append(m.getContext());
                if (m.getContextMark() != null && m.getContextMark().getLine() != at.getLine()) {
                    msg.append(" started at line ").append(m.getContextMark().getLine() + 1);
                }
                msg.append(')');
            }
            String hint = hint(m.getProblem());
            if (hint != null) msg.append("; ").append(hint);
            return new Problem(new Location(file, at.getLine() + 1, at.getColumn() + 1), "", msg.toString());
        }
        JsonLocation l = e.getLocation();
        String msg = e.getOriginalMessage();
        int nl = msg.indexOf('\n');
        return new Problem(l == null ? new Location(file, 0, 0) : loc(file, l), "",
                "invalid YAML: " + (nl > 0 ? msg.substring(0, nl) : msg));
    }

    private static String hint(String problem) {
        if (problem == null) return null;
        if (problem.startsWith("mapping values are not allowed")) {
            return "check the indentation of this line, or quote a value that contains ': '";
        }
        if (problem.startsWith("expected <block end>")) return "check the indentation of this line";
        if (problem.contains("end of stream")) return "a quote or bracket is not closed";
        return null;
    }

    /** Stops reading a file after a problem that makes the rest unreadable (too deep, alias bomb). */
    private static final class Abandoned extends RuntimeException {
        Abandoned() {
            super(null, null, false, false);
        }
    }

    /** Reads one document: locations of every field, anchors seen so far (they are per document). */
    private static final class DocReader {
        final AnchoredParser p;
        final String file;
        final List<Problem> problems;
        final Map<String, Location> locs = new HashMap<>();
        final Map<String, JsonNode> anchors = new HashMap<>();
        /** pointers whose value is an alias naming no anchor (reported; the field is left out) */
        final Set<String> undefined = new HashSet<>();
        int aliasValues;

        DocReader(AnchoredParser p, String file, List<Problem> problems) {
            this.p = p;
            this.file = file;
            this.problems = problems;
        }

        JsonNode read(JsonToken t, String pointer, int depth) throws IOException {
            Location here = loc(file, p.currentTokenLocation());
            if (p.isCurrentAlias()) return alias(p.getText(), here, pointer);
            String anchor = p.anchor();
            JsonNode node = switch (t) {
                case START_OBJECT -> {
                    deep(depth, here);
                    ObjectNode o = NODES.objectNode();
                    List<JsonNode> merges = new ArrayList<>();
                    Location mergeAt = null;
                    while ((t = p.nextToken()) != JsonToken.END_OBJECT) {
                        String name = p.currentName();
                        String child = pointer + "/" + name.replace("~", "~0").replace("/", "~1");
                        Location at = loc(file, p.currentTokenLocation());
                        boolean aliasKey = p.isCurrentAlias();
                        JsonToken v = p.nextToken();
                        if (aliasKey) {
                            problems.add(new Problem(at, FieldLocations.fieldPath(pointer),
                                    "an alias (*" + name + ") cannot be a key; write the key out"));
                            p.skipChildren();
                            continue;
                        }
                        if (name.equals("<<")) {
                            // YAML merge key (https://yaml.org/type/merge.html): fields of the aliased mapping(s)
                            // that the mapping does not set itself
                            JsonNode m = read(v, child, depth + 1);
                            mergeAt = at;
                            if (m == null) continue; // an undefined alias, reported
                            if (m.isObject()) merges.add(m);
                            else if (m.isArray() && m.valueStream().allMatch(JsonNode::isObject)) m.forEach(merges::add);
                            else problems.add(new Problem(at, FieldLocations.fieldPath(child),
                                    "a merge key (<<) takes an alias of a mapping or a list of them"));
                            continue;
                        }
                        if (o.has(name)) {
                            Location first = locs.get(child);
                            problems.add(new Problem(at, FieldLocations.fieldPath(child), "duplicate key '" + name
                                    + "' (first at line " + first.line() + "; YAML keeps only one of them)"));
                            p.skipChildren();
                            continue;
                        }
                        locs.put(child, at);
                        locs.put(child + "#value", loc(file, p.currentTokenLocation()));
                        JsonNode value = read(v, child, depth + 1);
                        if (value != null) o.set(name, value); // null: an undefined alias, reported once
                    }
                    for (JsonNode m : merges) {
                        for (Map.Entry<String, JsonNode> e : m.properties()) {
                            if (o.has(e.getKey())) continue;
                            String child = pointer + "/" + e.getKey().replace("~", "~0").replace("/", "~1");
                            locs.put(child, mergeAt);
                            locs.put(child + "#value", mergeAt);
                            o.set(e.getKey(), e.getValue().deepCopy());
                        }
                    }
                    yield o;
                }
                case START_ARRAY -> {
                    deep(depth, here);
                    ArrayNode a = NODES.arrayNode();
                    int i = 0;
                    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                        String child = pointer + "/" + i++;
                        Location at = loc(file, p.currentTokenLocation());
                        locs.put(child, at);
                        locs.put(child + "#value", at);
                        JsonNode item = read(t, child, depth + 1);
                        a.add(item == null ? NODES.nullNode() : item);
                    }
                    yield a;
                }
                case VALUE_STRING -> NODES.textNode(p.getText());
                case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        ? NODES.numberNode(p.getBigIntegerValue()) : NODES.numberNode(p.getLongValue());
                case VALUE_NUMBER_FLOAT -> NODES.numberNode(p.getDecimalValue());
                case VALUE_TRUE -> NODES.booleanNode(true);
                case VALUE_FALSE -> NODES.booleanNode(false);
                // an empty value (key:) stays the empty text, as Jackson's own parser reads it; null and ~ are null
                case VALUE_NULL -> p.emptyScalar() ? NODES.textNode("") : NODES.nullNode();
                default -> throw new IOException("unexpected token " + t);
            };
            if (anchor != null) anchors.put(anchor, node); // a later anchor of the same name replaces it (YAML 1.2 3.2.2.2)
            return node;
        }

        private void deep(int depth, Location here) {
            if (depth >= MAX_DEPTH) {
                problems.add(new Problem(here, "", "invalid YAML: nested more than " + MAX_DEPTH
                        + " levels deep; the rest of the file is not read"));
                throw new Abandoned();
            }
        }

        private JsonNode alias(String name, Location here, String pointer) {
            JsonNode target = anchors.get(name);
            if (target == null) {
                problems.add(new Problem(here, FieldLocations.fieldPath(pointer), "alias *" + name
                        + " names no anchor &" + name + " before it in this document"));
                undefined.add(pointer);
                return null;
            }
            aliasValues += size(target);
            if (aliasValues > MAX_ALIAS_VALUES) {
                problems.add(new Problem(here, FieldLocations.fieldPath(pointer), "aliases expand to more than "
                        + MAX_ALIAS_VALUES + " values in this document; write the values out"));
                throw new Abandoned();
            }
            return target.deepCopy();
        }

        private static int size(JsonNode n) {
            int s = 1;
            for (JsonNode c : n) s += size(c);
            return s;
        }
    }

    private static Location loc(String file, JsonLocation l) {
        return new Location(file, l.getLineNr(), l.getColumnNr());
    }
}
