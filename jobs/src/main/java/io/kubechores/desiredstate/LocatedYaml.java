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

    public static List<Doc> parse(String file, String text) throws SyntaxError {
        List<Doc> docs = new ArrayList<>();
        try (JsonParser p = YAML.createParser(text)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                Map<String, Location> locs = new HashMap<>();
                Location start = loc(file, p.currentTokenLocation());
                JsonNode root = read(p, t, "", file, locs);
                locs.putIfAbsent("", start);
                docs.add(new Doc(root, new FieldLocations(start, locs)));
            }
        } catch (DuplicateKey e) {
            throw new SyntaxError(e.location, FieldLocations.fieldPath(e.pointer) + ": duplicate key");
        } catch (JsonProcessingException e) {
            JsonLocation l = e.getLocation();
            String msg = e.getOriginalMessage();
            int nl = msg.indexOf('\n');
            throw new SyntaxError(l == null ? new Location(file, 0, 0) : loc(file, l),
                    "invalid YAML: " + (nl > 0 ? msg.substring(0, nl) : msg));
        } catch (IOException e) {
            throw new SyntaxError(new Location(file, 0, 0), "cannot read: " + e.getMessage());
        }
        return docs;
    }

    private static JsonNode read(JsonParser p, JsonToken t, String pointer, String file, Map<String, Location> locs)
            throws IOException {
        switch (t) {
            case START_OBJECT -> {
                ObjectNode o = NODES.objectNode();
                while ((t = p.nextToken()) != JsonToken.END_OBJECT) {
                    String name = p.currentName();
                    String child = pointer + "/" + name.replace("~", "~0").replace("/", "~1");
                    Location at = loc(file, p.currentTokenLocation());
                    if (o.has(name)) {
                        throw new DuplicateKey(at, child);
                    }
                    locs.put(child, at);
                    JsonToken v = p.nextToken();
                    locs.put(child + "#value", loc(file, p.currentTokenLocation()));
                    o.set(name, read(p, v, child, file, locs));
                }
                return o;
            }
            case START_ARRAY -> {
                ArrayNode a = NODES.arrayNode();
                int i = 0;
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    String child = pointer + "/" + i++;
                    locs.put(child, loc(file, p.currentTokenLocation()));
                    a.add(read(p, t, child, file, locs));
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

    /** Duplicate mapping key: YAML allows the parser to overwrite silently, we refuse. */
    static final class DuplicateKey extends IOException {
        final Location location;
        final String pointer;

        DuplicateKey(Location location, String pointer) {
            super("duplicate key");
            this.location = location;
            this.pointer = pointer;
        }
    }
}
