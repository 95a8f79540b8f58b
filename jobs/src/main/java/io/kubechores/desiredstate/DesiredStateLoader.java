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

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Set;
import java.time.DateTimeException;
import java.time.ZoneId;
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
    private static final SchemaMessages MESSAGES = SchemaMessages.fromClasspath(Stream.concat(
            Stream.of("common.schema.json"), Stream.of(Kind.values()).map(Kind::schemaFile)).toList());

    private final List<DesiredStateRule> rules;

    public DesiredStateLoader() {
        this(List.of());
    }

    public DesiredStateLoader(List<DesiredStateRule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** Loads and validates what {@link RepoCheckout} checked out, at its commit. */
    public DesiredState load(RepoCheckout.Checkout checkout) {
        return load(checkout.workTree(), checkout.commit());
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

    /**
     * Loads what can be loaded and appends every problem found (syntax, schema, cross-file and job rules); returns
     * null when there is no usable Fleet. Documents with schema errors are left out of the state, and references to
     * them are not reported again as dangling.
     */
    public DesiredState load(Path root, String revision, List<Problem> problems) {
        Map<Kind, List<Resource<?>>> byKind = new EnumMap<>(Kind.class);
        for (Kind k : Kind.values()) byKind.put(k, new ArrayList<>());
        Map<Kind, Set<String>> invalid = new EnumMap<>(Kind.class);
        for (Kind k : Kind.values()) invalid.put(k, new HashSet<>());
        boolean fleetFileBroken = false;
        for (Path file : files(root, problems)) {
            String rel = root.relativize(file).toString().replace('\\', '/');
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
                if (text.startsWith("\uFEFF")) text = text.substring(1); // a byte-order mark some editors write
            } catch (java.nio.charset.CharacterCodingException e) {
                problems.add(new Problem(new Location(rel, 0, 0), "",
                        "not UTF-8 text: save the file as UTF-8"));
                continue;
            } catch (IOException e) {
                problems.add(new Problem(new Location(rel, 0, 0), "", "cannot read file: " + e.getMessage()));
                continue;
            }
            int before = problems.size();
            List<LocatedYaml.Doc> docs = LocatedYaml.parse(rel, text, problems);
            boolean fileBroken = problems.size() > before;
            for (LocatedYaml.Doc doc : docs) {
                Resource<?> r = toResource(doc, problems, invalid);
                if (r != null) byKind.get(r.kind()).add(r);
            }
            if (problems.size() > before && rel.startsWith("fleet.")) fleetFileBroken = true;
            if (fileBroken) {
                // the rest of a file after a syntax error is unread: names it defines are unknown, not dangling
                for (Kind k : Kind.values()) invalid.get(k).add(CrossFileRules.UNREADABLE);
            }
        }
        @SuppressWarnings({"unchecked", "rawtypes"})
        List<Resource<FleetSpec>> fleets = (List) byKind.get(Kind.FLEET);
        if (fleets.isEmpty() && !fleetFileBroken && invalid.get(Kind.FLEET).isEmpty()) {
            problems.add(new Problem(new Location("fleet.yaml", 0, 0), "",
                    "no Fleet document: the repo needs a fleet.yaml with kind: Fleet"));
        }
        if (fleets.size() > 1) {
            for (Resource<FleetSpec> extra : fleets.subList(1, fleets.size())) {
                problems.add(new Problem(extra.locationOf("/kind#value"), "kind",
                        "more than one Fleet document (the first is at " + fleets.get(0).location()
                                + "); a repo has exactly one"));
            }
        }
        DesiredState state = new DesiredState(root, revision, fleets.isEmpty() ? null : fleets.get(0),
                cast(byKind.get(Kind.CLUSTER)), cast(byKind.get(Kind.DOWNSCALE_POLICY)),
                cast(byKind.get(Kind.RIGHTSIZE_POLICY)), cast(byKind.get(Kind.QUOTA_POLICY)),
                cast(byKind.get(Kind.CERTIFICATE_POLICY)), cast(byKind.get(Kind.TOOL)));
        CrossFileRules.check(state, invalid, problems);
        if (state.fleet() == null) return null;
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

    private Resource<?> toResource(LocatedYaml.Doc doc, List<Problem> problems, Map<Kind, Set<String>> invalid) {
        JsonNode root = doc.root();
        FieldLocations at = doc.locations();
        if (root == null || root.isNull() || root.isMissingNode() || (root.isObject() && root.isEmpty())) {
            return null; // empty document (e.g. trailing ---)
        }
        List<String> kinds = Stream.of(Kind.values()).map(Kind::kindName).toList();
        if (!root.isObject()) {
            problems.add(new Problem(at.document(), "",
                    "a document must be a mapping with apiVersion, kind, metadata and spec"));
            return null;
        }
        JsonNode kindNode = root.get("kind");
        if (kindNode == null || !kindNode.isTextual()) {
            problems.add(new Problem(kindNode == null ? at.document() : at.at("/kind#value"), "kind",
                    (kindNode == null ? "missing kind" : "kind must be text") + " (one of " + String.join(", ", kinds) + ")"));
            return null;
        }
        Kind kind = Kind.byName(kindNode.asText()).orElse(null);
        if (kind == null) {
            problems.add(new Problem(at.at("/kind#value"), "kind", "unknown kind '" + kindNode.asText()
                    + "'" + SchemaMessages.didYouMean(kindNode.asText(), kinds)
                    + " (one of " + String.join(", ", kinds) + ")"));
            return null;
        }
        int before = problems.size();
        problems.addAll(MESSAGES.toProblems(SCHEMAS.get(kind).validate(root), at));
        timeZones(root, "", at, problems);
        if (problems.size() > before) {
            JsonNode name = root.path("metadata").path("name");
            if (name.isTextual()) invalid.get(kind).add(name.asText());
            else invalid.get(kind).add(CrossFileRules.UNREADABLE);
            return null;
        }
        try {
            Metadata md = MAPPER.treeToValue(root.get("metadata"), Metadata.class);
            JsonNode spec = root.has("spec") ? root.get("spec") : MAPPER.createObjectNode();
            Object specRecord = MAPPER.treeToValue(spec, kind.specType());
            return new Resource<>(kind, md, specRecord, at.document(), at);
        } catch (IOException | IllegalArgumentException e) {
            String msg = e.getMessage();
            int nl = msg == null ? -1 : msg.indexOf('\n');
            problems.add(new Problem(at.document(), "spec", "cannot read: " + (nl > 0 ? msg.substring(0, nl) : msg)));
            invalid.get(kind).add(root.path("metadata").path("name").asText(CrossFileRules.UNREADABLE));
            return null;
        }
    }

    /** Every field named timeZone, in any kind, must be an IANA time zone id the JVM knows. */
    private static void timeZones(JsonNode node, String pointer, FieldLocations at, List<Problem> problems) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                String child = pointer + "/" + e.getKey().replace("~", "~0").replace("/", "~1");
                JsonNode v = e.getValue();
                if (e.getKey().equals("timeZone") && v.isTextual() && !validZone(v.asText())) {
                    problems.add(new Problem(at.byPointer().getOrDefault(child + "#value", at.at(child)),
                            FieldLocations.fieldPath(child), "unknown time zone '" + v.asText() + "'"
                            + SchemaMessages.didYouMean(v.asText(), List.copyOf(ZoneId.getAvailableZoneIds()))
                            + "; use an IANA name such as Europe/Berlin or UTC"));
                } else {
                    timeZones(v, child, at, problems);
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) timeZones(node.get(i), pointer + "/" + i, at, problems);
        }
    }

    static boolean validZone(String id) {
        try {
            ZoneId.of(id);
            return true;
        } catch (DateTimeException e) {
            return false;
        }
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
