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
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses a (multi-document) YAML file into JSON trees while remembering the line and column of every field,
 * so schema and rule errors can point at file:line:column.
 */
public final class LocatedYaml {
    private static final YAMLFactory YAML = YAMLFactory.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private LocatedYaml() {}

    /** One YAML document and where each of its fields was written. */
    public record Doc(JsonNode root, FieldLocations locations) {}

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
     */
    public static List<Doc> parse(String file, String text, List<Problem> problems) {
        List<Doc> docs = new ArrayList<>();
        try (JsonParser p = YAML.createParser(text)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                Map<String, Location> locs = new HashMap<>();
                Location start = loc(file, p.currentTokenLocation());
                JsonNode root = read(p, t, "", file, locs, problems);
                locs.putIfAbsent("", start);
                docs.add(new Doc(root, new FieldLocations(start, locs)));
            }
        } catch (JsonProcessingException e) {
            problems.add(syntaxProblem(file, e));
        } catch (IOException e) {
            problems.add(new Problem(new Location(file, 0, 0), "", "cannot read: " + e.getMessage()));
        }
        return docs;
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

    private static JsonNode read(JsonParser p, JsonToken t, String pointer, String file, Map<String, Location> locs,
                                 List<Problem> problems) throws IOException {
        switch (t) {
            case START_OBJECT -> {
                ObjectNode o = NODES.objectNode();
                while ((t = p.nextToken()) != JsonToken.END_OBJECT) {
                    String name = p.currentName();
                    String child = pointer + "/" + name.replace("~", "~0").replace("/", "~1");
                    Location at = loc(file, p.currentTokenLocation());
                    JsonToken v = p.nextToken();
                    if (o.has(name)) {
                        Location first = locs.get(child);
                        problems.add(new Problem(at, FieldLocations.fieldPath(child), "duplicate key '" + name
                                + "' (first at line " + first.line() + "; YAML keeps only one of them)"));
                        p.skipChildren();
                        continue;
                    }
                    locs.put(child, at);
                    locs.put(child + "#value", loc(file, p.currentTokenLocation()));
                    o.set(name, read(p, v, child, file, locs, problems));
                }
                return o;
            }
            case START_ARRAY -> {
                ArrayNode a = NODES.arrayNode();
                int i = 0;
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    String child = pointer + "/" + i++;
                    Location at = loc(file, p.currentTokenLocation());
                    locs.put(child, at);
                    locs.put(child + "#value", at);
                    a.add(read(p, t, child, file, locs, problems));
                }
                return a;
            }
            case VALUE_STRING -> { return NODES.textNode(p.getText()); }
            case VALUE_NUMBER_INT -> {
                return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        ? NODES.numberNode(p.getBigIntegerValue()) : NODES.numberNode(p.getLongValue());
            }
            case VALUE_NUMBER_FLOAT -> { return NODES.numberNode(p.getDecimalValue()); }
            case VALUE_TRUE -> { return NODES.booleanNode(true); }
            case VALUE_FALSE -> { return NODES.booleanNode(false); }
            case VALUE_NULL -> { return NODES.nullNode(); }
            default -> throw new IOException("unexpected token " + t);
        }
    }

    private static Location loc(String file, JsonLocation l) {
        return new Location(file, l.getLineNr(), l.getColumnNr());
    }
}
