package io.kubechores.desiredstate;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.ValidationMessage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * Turns JSON-Schema validation messages into {@link Problem}s a person can act on: the field path, the exact
 * location (the key for structural errors, the value for value errors) and plain words ("expected text, found the
 * number 222222222222; put it in quotes") instead of the validator's ("integer found, string expected").
 * Where the schema describes a field (its {@code description}), the description is used to say what is expected.
 */
final class SchemaMessages {
    /** Raw schema documents by $id, to read descriptions and allowed field names of the failing schema. */
    private final Map<String, JsonNode> schemasById;

    /** Shown instead of a value that may be a secret (a token pasted where an env var name belongs). */
    private static final JsonNode SECRET_PLACEHOLDER =
            com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.textNode("<value not shown>");

    SchemaMessages(Map<String, JsonNode> schemasById) {
        this.schemasById = Map.copyOf(schemasById);
    }

    /** Loads every schema file of the given names from the classpath folder schemas/. */
    static SchemaMessages fromClasspath(Collection<String> files) {
        Map<String, JsonNode> byId = new HashMap<>();
        for (String f : files) {
            try (InputStream in = SchemaMessages.class.getResourceAsStream("/schemas/" + f)) {
                if (in == null) throw new IllegalStateException("schema missing from the jar: schemas/" + f);
                JsonNode n = DesiredStateLoader.MAPPER.readTree(in);
                byId.put(n.path("$id").asText(f), n);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new SchemaMessages(byId);
    }

    /** Converts the messages of one document; alternatives' sub-errors are folded into their oneOf message. */
    List<Problem> toProblems(Collection<ValidationMessage> messages, FieldLocations at) {
        List<String> oneOfPaths = messages.stream().filter(m -> "oneOf".equals(m.getType()))
                .map(m -> m.getEvaluationPath().toString() + "/").toList();
        Set<Problem> out = new LinkedHashSet<>();
        Set<String> anyOfDone = new java.util.HashSet<>();
        // a misspelt field (maxSzie) is one problem: "unknown field 'maxSzie' (did you mean 'maxSize'?)", not also
        // "missing required field 'maxSize'"
        Set<String> meant = new java.util.HashSet<>();
        for (ValidationMessage m : messages) {
            if (!"additionalProperties".equals(m.getType())) continue;
            closest(m.getProperty(), allowedFields(parentSchema(m)))
                    .ifPresent(c -> meant.add(m.getInstanceLocation().toString() + "/" + escape(c)));
        }
        for (ValidationMessage m : messages) {
            if ("required".equals(m.getType())
                    && meant.contains(m.getInstanceLocation().toString() + "/" + escape(m.getProperty()))) continue;
            String eval = m.getEvaluationPath().toString();
            if (oneOfPaths.stream().anyMatch(eval::startsWith)) continue;
            int anyOf = eval.indexOf("/anyOf/");
            if (anyOf >= 0) {
                // the validator reports only the failing alternatives of an anyOf: fold them into one problem
                String pointer = m.getInstanceLocation().toString();
                if (!anyOfDone.add(pointer + " " + eval.substring(0, anyOf))) continue;
                JsonNode parent = schemaAt(m, "/anyOf/");
                JsonNode branches = parent == null ? null : parent.get("anyOf");
                out.add(new Problem(at.at(pointer), FieldLocations.fieldPath(pointer),
                        alternatives("anyOf", branches, m.getInstanceNode(), parent, null)));
                continue;
            }
            out.add(toProblem(m, at));
        }
        return new ArrayList<>(out);
    }

    private Problem toProblem(ValidationMessage m, FieldLocations at) {
        String pointer = m.getInstanceLocation().toString();
        JsonNode value = m.getInstanceNode();
        JsonNode parent = parentSchema(m);
        String type = m.getType();
        return switch (type) {
            case "additionalProperties" -> {
                String field = pointer + "/" + escape(m.getProperty());
                yield new Problem(at.at(field), FieldLocations.fieldPath(field),
                        "unknown field '" + m.getProperty() + "'" + suggestion(m.getProperty(), allowedFields(parent)));
            }
            case "required" -> new Problem(at.at(pointer), FieldLocations.fieldPath(pointer),
                    "missing required field '" + m.getProperty() + "'");
            case "oneOf" -> new Problem(at.at(pointer), FieldLocations.fieldPath(pointer),
                    alternatives("oneOf", m.getSchemaNode(), value, parent, stripPointer(m)));
            case "propertyNames" -> {
                // the message's instance location is the map; name the offending key
                String key = m.getProperty() != null ? m.getProperty() : String.valueOf(arg(m, 0));
                String field = pointer + "/" + escape(key);
                JsonNode names = parent == null ? null : parent.path("propertyNames").path("enum");
                List<String> allowed = names == null || !names.isArray() ? List.of() : texts(names);
                yield new Problem(at.at(field), FieldLocations.fieldPath(field), "unknown key '" + key + "'"
                        + (allowed.isEmpty() ? "" : suggestion(key, allowed)));
            }
            default -> new Problem(valueLocation(at, pointer), FieldLocations.fieldPath(pointer),
                    valueMessage(m, type, value, parent));
        };
    }

    private static Location valueLocation(FieldLocations at, String pointer) {
        Location v = at.byPointer().get(pointer + "#value");
        return v != null ? v : at.at(pointer);
    }

    private String valueMessage(ValidationMessage m, String type, JsonNode value, JsonNode parent) {
        String pointer = m.getInstanceLocation().toString();
        if (pointer.endsWith("Env") && value != null && value.isValueNode()) {
            // a *Env field names an environment variable; a wrong value may be the secret itself: never echo it
            value = SECRET_PLACEHOLDER;
        }
        String description = parent == null ? null : parent.path("description").asText(null);
        return switch (type) {
            case "type" -> typeMessage(String.valueOf(m.getSchemaNode() == null ? arg(m, 1) : m.getSchemaNode().isArray()
                    ? texts(m.getSchemaNode()).stream().collect(Collectors.joining(" or ")) : m.getSchemaNode().asText()), value);
            case "const" -> "must be " + m.getSchemaNode().asText() + ", found " + show(value);
            case "enum" -> {
                List<String> allowed = texts(m.getSchemaNode());
                yield show(value) + " is not one of: " + String.join(", ", allowed)
                        + (value != null && value.isTextual() ? didYouMean(value.asText(), allowed) : "");
            }
            case "pattern" -> "invalid value " + show(value) + (description != null
                    ? ": expected " + lowerFirst(description)
                    : " (must match the pattern " + m.getSchemaNode().asText() + ")");
            case "format" -> {
                String format = parent == null ? String.valueOf(arg(m, 0)) : parent.path("format").asText();
                yield switch (format) {
                    case "date" -> "invalid date " + show(value) + ": expected YYYY-MM-DD, e.g. 2026-12-25";
                    case "date-time" -> "invalid date-time " + show(value) + ": expected e.g. 2026-12-25T08:00:00Z";
                    case "uri" -> "invalid URL " + show(value) + ": expected an absolute URL such as https://host/path";
                    default -> "invalid " + format + " " + show(value);
                };
            }
            case "minimum" -> "must be at least " + m.getSchemaNode().asText() + ", found " + show(value);
            case "maximum" -> "must be at most " + m.getSchemaNode().asText() + ", found " + show(value);
            case "exclusiveMinimum" -> "must be greater than " + m.getSchemaNode().asText() + ", found " + show(value);
            case "exclusiveMaximum" -> "must be less than " + m.getSchemaNode().asText() + ", found " + show(value);
            case "minItems" -> {
                int n = m.getSchemaNode().asInt();
                yield n == 1 ? "must list at least one item" : "must list at least " + n + " items, found " + value.size();
            }
            case "maxItems" -> "must list at most " + m.getSchemaNode().asInt() + " items, found " + value.size();
            case "uniqueItems" -> "lists the same item more than once: " + repeated(value);
            case "minLength" -> m.getSchemaNode().asInt() == 1 ? "must not be empty"
                    : "must be at least " + m.getSchemaNode().asInt() + " characters long";
            case "maxLength" -> "must be at most " + m.getSchemaNode().asInt() + " characters long, found "
                    + (value == null ? "?" : value.asText().length());
            case "minProperties" -> "must set at least " + m.getSchemaNode().asInt() + " field(s)";
            default -> stripPointer(m);
        };
    }

    /** "integer found, string expected" in words, with the fix when it is obvious (quotes added or removed). */
    static String typeMessage(String expected, JsonNode value) {
        String words = List.of(expected.split(" or ")).stream().map(SchemaMessages::typeWords)
                .collect(Collectors.joining(" or "));
        String found = value == null ? "something else" : foundWords(value);
        String msg = "expected " + words + ", found " + found;
        if (value == null || value == SECRET_PLACEHOLDER) return msg;
        if (expected.equals("string") && value.isValueNode() && !value.isNull()) {
            return msg + "; put it in quotes: \"" + value.asText() + "\"";
        }
        if (value.isTextual()) {
            String t = value.asText().trim();
            if ((expected.equals("integer") && t.matches("-?[0-9]+"))
                    || (expected.equals("number") && t.matches("-?[0-9]+(\\.[0-9]+)?"))
                    || (expected.equals("boolean") && (t.equals("true") || t.equals("false")))) {
                return msg + "; remove the quotes";
            }
            if (expected.equals("boolean")) return msg + "; write true or false without quotes";
            if (expected.equals("array")) return msg + "; write a list: [" + t + "] or one '- " + t + "' per line";
        }
        return msg;
    }

    private static String typeWords(String jsonType) {
        return switch (jsonType) {
            case "string" -> "text";
            case "integer" -> "a whole number";
            case "number" -> "a number";
            case "boolean" -> "true or false";
            case "array" -> "a list";
            case "object" -> "a mapping (key: value lines)";
            case "null" -> "nothing";
            default -> jsonType;
        };
    }

    private static String foundWords(JsonNode v) {
        if (v == SECRET_PLACEHOLDER) return "a value (not shown: it may be a secret)";
        if (v.isTextual() && v.asText().isEmpty()) return "nothing (the value is empty)";
        if (v.isTextual()) return "text " + show(v);
        if (v.isIntegralNumber() || v.isNumber()) return "the number " + v.asText();
        if (v.isBoolean()) return v.asText();
        if (v.isArray()) return "a list";
        if (v.isObject()) return "a mapping";
        if (v.isNull()) return "an empty value";
        return v.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    /**
     * oneOf / anyOf: the schema's description when it has one, else the alternatives' required fields
     * ("set exactly one of: kubeconfigContext, inCluster"), followed by which of those fields are present.
     */
    private static String alternatives(String keyword, JsonNode branches, JsonNode value, JsonNode parent,
                                       String fallback) {
        String description = parent == null ? null : parent.path("description").asText(null);
        if (value != null && value.isObject() && branches != null && branches.isArray()) {
            Set<String> mentioned = new LinkedHashSet<>();
            List<String> options = new ArrayList<>();
            for (JsonNode b : branches) {
                List<String> req = texts(b.path("required"));
                mentioned.addAll(req);
                if (!req.isEmpty()) options.add(String.join("+", req));
            }
            List<String> present = mentioned.stream().filter(value::has).toList();
            String found = present.isEmpty() ? "none of them" : String.join(" and ", present);
            String what = description != null ? lowerFirst(description)
                    : ("oneOf".equals(keyword) ? "set exactly one of: " : "set at least one of: ")
                    + String.join(", ", options);
            return what + "; found " + found;
        }
        return description != null ? lowerFirst(description) : fallback != null ? fallback : "matches no alternative";
    }

    /** The schema object holding the keyword at {@code marker} in the message's schema location (e.g. "/anyOf/"). */
    private JsonNode schemaAt(ValidationMessage m, String marker) {
        if (m.getSchemaLocation() == null) return null;
        JsonNode doc = schemasById.get(m.getSchemaLocation().getAbsoluteIri().toString());
        String fragment = m.getSchemaLocation().getFragment().toString();
        int i = fragment.indexOf(marker);
        if (doc == null || i < 0) return null;
        JsonNode n = i == 0 ? doc : doc.at(fragment.substring(0, i));
        return n.isMissingNode() ? null : n;
    }

    /** The schema object that holds the failing keyword (e.g. the field's schema for "pattern"). */
    private JsonNode parentSchema(ValidationMessage m) {
        if (m.getSchemaLocation() == null) return null;
        JsonNode doc = schemasById.get(m.getSchemaLocation().getAbsoluteIri().toString());
        if (doc == null) return null;
        String fragment = m.getSchemaLocation().getFragment().toString();
        int slash = fragment.lastIndexOf('/');
        String parent = slash <= 0 ? "" : fragment.substring(0, slash);
        JsonNode n = parent.isEmpty() ? doc : doc.at(parent);
        return n.isMissingNode() ? null : n;
    }

    private static List<String> allowedFields(JsonNode schema) {
        if (schema == null || !schema.path("properties").isObject()) return List.of();
        List<String> out = new ArrayList<>();
        schema.path("properties").fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static String suggestion(String wrong, List<String> allowed) {
        if (allowed.isEmpty()) return "";
        String dym = didYouMean(wrong, allowed);
        return !dym.isEmpty() ? dym : " (allowed: " + String.join(", ", allowed) + ")";
    }

    /** " (did you mean 'maxSize'?)" when one allowed word is close (case, or up to two edits), else "". */
    static String didYouMean(String wrong, List<String> allowed) {
        return closest(wrong, allowed).map(c -> " (did you mean '" + c + "'?)").orElse("");
    }

    /**
     * The allowed word closest to {@code wrong}: same letters in another case, else the fewest edits, counting
     * a swap of two neighbouring letters as one edit (optimal string alignment distance, so maxSzie is one edit
     * from maxSize), at most one edit per five letters and never more than two. Words far longer than any allowed
     * word (a pasted blob) are not compared.
     */
    static java.util.Optional<String> closest(String wrong, List<String> allowed) {
        if (wrong == null || wrong.length() > 200) return java.util.Optional.empty();
        int limit = Math.min(2, Math.max(1, wrong.length() / 5));
        return allowed.stream()
                .filter(a -> !a.equals(wrong) && Math.abs(a.length() - wrong.length()) <= limit)
                .map(a -> Map.entry(a, a.equalsIgnoreCase(wrong) ? 0
                        : distance(a.toLowerCase(Locale.ROOT), wrong.toLowerCase(Locale.ROOT))))
                .filter(e -> e.getValue() <= limit)
                .min(Comparator.comparingInt(Map.Entry::getValue))
                .map(Map.Entry::getKey);
    }

    /** Optimal string alignment distance (Levenshtein plus transposition of adjacent characters). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    private static String repeated(JsonNode array) {
        Set<JsonNode> seen = new java.util.HashSet<>();
        return StreamSupport.stream(array.spliterator(), false).filter(n -> !seen.add(n)).map(SchemaMessages::show)
                .distinct().collect(Collectors.joining(", "));
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    private static String show(JsonNode v) {
        if (v == null) return "?";
        if (v == SECRET_PLACEHOLDER) return "(not shown: it may be a secret)";
        if (v.isTextual()) return "'" + v.asText() + "'";
        return v.toString();
    }

    private static Object arg(ValidationMessage m, int i) {
        Object[] a = m.getArguments();
        return a != null && a.length > i ? a[i] : null;
    }

    private static String lowerFirst(String s) {
        if (s.length() < 2 || Character.isUpperCase(s.charAt(1))) return s; // keep acronyms: DNS-1123, IANA
        return Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    /** The validator's own message without its leading "/pointer: ". */
    private static String stripPointer(ValidationMessage m) {
        String message = m.getMessage();
        String pointer = m.getInstanceLocation().toString();
        int colon = message.indexOf(": ");
        return colon >= 0 && message.startsWith(pointer) ? message.substring(colon + 2) : message;
    }
}
