package io.kubechores.desiredstate;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Loads and validates a desired-state repo folder: every YAML document under the well-known places is parsed with
 * locations, validated against its kind's JSON Schema, bound to its spec record, then checked by the cross-file
 * rules and any job rules. All problems are collected; if there is one, nothing is returned.
 */
public final class DesiredStateLoader {
    /** Folders (relative to the repo root) that hold desired-state documents; everything else is ignored. */
    public static final List<String> PLACES =
            List.of("clusters", "downscaling", "rightsizing", "quotas", "certificates", "tools");

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .build();

    private static final Map<Kind, JsonSchema> SCHEMAS = loadSchemas();

    private final List<DesiredStateRule> rules;

    public DesiredStateLoader() {
        this(List.of());
    }

    public DesiredStateLoader(List<DesiredStateRule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** Loads and validates; throws {@link InvalidDesiredStateException} listing every problem. */
    public DesiredState load(Path root, String revision) {
        List<Problem> problems = new ArrayList<>();
        DesiredState state = load(root, revision, problems);
        if (!problems.isEmpty()) {
            throw new InvalidDesiredStateException(problems.stream().sorted().toList());
        }
        return state;
    }

    /** Loads what can be loaded and appends every problem found; returns null when there is no usable Fleet. */
    public DesiredState load(Path root, String revision, List<Problem> problems) {
        Map<Kind, List<Resource<?>>> byKind = new EnumMap<>(Kind.class);
        for (Kind k : Kind.values()) byKind.put(k, new ArrayList<>());
        for (Path file : files(root, problems)) {
            String rel = root.relativize(file).toString().replace('\\', '/');
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                problems.add(new Problem(new Location(rel, 0, 0), "", "cannot read file: " + e.getMessage()));
                continue;
            }
            List<LocatedYaml.Doc> docs;
            try {
                docs = LocatedYaml.parse(rel, text);
            } catch (LocatedYaml.SyntaxError e) {
                problems.add(new Problem(e.location(), "", e.getMessage()));
                continue;
            }
            for (LocatedYaml.Doc doc : docs) {
                Resource<?> r = toResource(doc, problems);
                if (r != null) byKind.get(r.kind()).add(r);
            }
        }
        @SuppressWarnings({"unchecked", "rawtypes"})
        List<Resource<FleetSpec>> fleets = (List) byKind.get(Kind.FLEET);
        if (fleets.isEmpty()) {
            boolean fleetFileBroken = problems.stream().anyMatch(p -> p.location().file().startsWith("fleet."));
            if (!fleetFileBroken) problems.add(new Problem(new Location("fleet.yaml", 0, 0), "",
                    "no Fleet document: the repo needs a fleet.yaml with kind: Fleet"));
            return null;
        }
        if (fleets.size() > 1) {
            for (Resource<FleetSpec> extra : fleets.subList(1, fleets.size())) {
                problems.add(new Problem(extra.locationOf("/kind"), "kind",
                        "more than one Fleet document (first at " + fleets.get(0).location() + ")"));
            }
        }
        DesiredState state = new DesiredState(root, revision, fleets.get(0),
                cast(byKind.get(Kind.CLUSTER)), cast(byKind.get(Kind.DOWNSCALE_POLICY)),
                cast(byKind.get(Kind.RIGHTSIZE_POLICY)), cast(byKind.get(Kind.QUOTA_POLICY)),
                cast(byKind.get(Kind.CERTIFICATE_POLICY)), cast(byKind.get(Kind.TOOL)));
        CrossFileRules.check(state, problems);
        for (DesiredStateRule rule : rules) {
            rule.check(state, problems);
        }
        return state;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <S> List<Resource<S>> cast(List<Resource<?>> l) {
        return (List) l;
    }

    private static List<Path> files(Path root, List<Problem> problems) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            problems.add(new Problem(new Location(root.toString(), 0, 0), "", "not a folder"));
            return out;
        }
        for (String name : List.of("fleet.yaml", "fleet.yml")) {
            if (Files.isRegularFile(root.resolve(name))) out.add(root.resolve(name));
        }
        for (String place : PLACES) {
            Path dir = root.resolve(place);
            if (!Files.isDirectory(dir)) continue;
            try (Stream<Path> s = Files.walk(dir)) {
                s.filter(Files::isRegularFile)
                        .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                        .sorted()
                        .forEach(out::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    private Resource<?> toResource(LocatedYaml.Doc doc, List<Problem> problems) {
        JsonNode root = doc.root();
        FieldLocations at = doc.locations();
        if (root == null || root.isNull() || root.isMissingNode() || (root.isObject() && root.isEmpty())) {
            return null; // empty document (e.g. trailing ---)
        }
        if (!root.isObject()) {
            problems.add(new Problem(at.document(), "", "a document must be a mapping with apiVersion, kind, metadata, spec"));
            return null;
        }
        JsonNode kindNode = root.get("kind");
        if (kindNode == null || !kindNode.isTextual()) {
            problems.add(new Problem(at.document(), "kind", "missing kind (one of "
                    + Stream.of(Kind.values()).map(Kind::kindName).toList() + ")"));
            return null;
        }
        Kind kind = Kind.byName(kindNode.asText()).orElse(null);
        if (kind == null) {
            problems.add(new Problem(at.at("/kind#value"), "kind", "unknown kind '" + kindNode.asText()
                    + "' (expected one of " + Stream.of(Kind.values()).map(Kind::kindName).toList() + ")"));
            return null;
        }
        int before = problems.size();
        for (ValidationMessage m : SCHEMAS.get(kind).validate(root)) {
            problems.add(toProblem(m, at));
        }
        if (problems.size() > before) return null;
        try {
            Metadata md = MAPPER.treeToValue(root.get("metadata"), Metadata.class);
            JsonNode spec = root.has("spec") ? root.get("spec") : MAPPER.createObjectNode();
            Object specRecord = MAPPER.treeToValue(spec, kind.specType());
            return new Resource<>(kind, md, specRecord, at.document(), at);
        } catch (IOException | IllegalArgumentException e) {
            String msg = e.getMessage();
            int nl = msg == null ? -1 : msg.indexOf('\n');
            problems.add(new Problem(at.document(), "spec", "cannot read: " + (nl > 0 ? msg.substring(0, nl) : msg)));
            return null;
        }
    }

    private static Problem toProblem(ValidationMessage m, FieldLocations at) {
        String pointer = m.getInstanceLocation().toString();
        String message = m.getMessage();
        // messages start with the instance path ("/spec/x: ..."): keep only the words
        int colon = message.indexOf(": ");
        if (colon >= 0 && message.startsWith(pointer)) message = message.substring(colon + 2);
        String field = pointer;
        if ("additionalProperties".equals(m.getType()) && m.getProperty() != null) {
            field = pointer + "/" + m.getProperty();
            message = "unknown field '" + m.getProperty() + "'";
        } else if ("required".equals(m.getType()) && m.getProperty() != null) {
            message = "missing required field '" + m.getProperty() + "'";
        }
        Location loc = at.byPointer().containsKey(field + "#value") && !"additionalProperties".equals(m.getType())
                ? at.byPointer().get(field + "#value") : at.at(field);
        return new Problem(loc, FieldLocations.fieldPath(field), message);
    }

    private static Map<Kind, JsonSchema> loadSchemas() {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                b -> b.schemaMappers(s -> s.mapPrefix("https://kubechores.io/schemas/", "classpath:schemas/")));
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
                .pathType(PathType.JSON_POINTER)
                .formatAssertionsEnabled(true)
                .build();
        Map<Kind, JsonSchema> out = new EnumMap<>(Kind.class);
        for (Kind k : Kind.values()) {
            try (InputStream in = DesiredStateLoader.class.getResourceAsStream("/schemas/" + k.schemaFile())) {
                if (in == null) throw new IllegalStateException("schema missing from the jar: schemas/" + k.schemaFile());
                out.put(k, factory.getSchema(in, config));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }
}
