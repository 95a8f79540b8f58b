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

import io.kubechores.desiredstate.TimeZones;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.file.LinkOption;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Set;
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

    /**
     * Size caps: a desired-state file is configuration written by people; anything larger is a mistake or an attack
     * (GitHub refuses files over 100 MB, far more than any fleet needs).
     *
     * @param maxFileBytes largest single file
     * @param maxRepoBytes all desired-state files together
     * @param maxFiles     number of desired-state files
     */
    public record Limits(long maxFileBytes, long maxRepoBytes, int maxFiles) {
        public static final Limits DEFAULT = new Limits(4L << 20, 64L << 20, 10_000);
    }

    private final List<DesiredStateRule> rules;
    private final Limits limits;

    public DesiredStateLoader() {
        this(List.of());
    }

    public DesiredStateLoader(List<DesiredStateRule> rules) {
        this(rules, Limits.DEFAULT);
    }

    public DesiredStateLoader(List<DesiredStateRule> rules, Limits limits) {
        this.rules = List.copyOf(rules);
        this.limits = limits;
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
        int listedFrom = problems.size();
        List<Path> listed = files(root, problems);
        // a refused fleet.yaml (a link) is reported as such, not also as "no Fleet document"
        boolean fleetFileBroken = problems.subList(listedFrom, problems.size()).stream()
                .anyMatch(p -> p.location().file().startsWith("fleet."));
        if (problems.size() > listedFrom) {
            for (Kind k : Kind.values()) invalid.get(k).add(CrossFileRules.UNREADABLE); // refused files: names unknown
        }
        long total = 0;
        for (Path file : listed) {
            String rel = root.relativize(file).toString().replace('\\', '/');
            String text;
            try {
                long size = Files.size(file);
                if (size > limits.maxFileBytes()) {
                    problems.add(new Problem(new Location(rel, 0, 0), "", "file is " + megabytes(size)
                            + ", more than the " + megabytes(limits.maxFileBytes()) + " a desired-state file may have"));
                    if (rel.startsWith("fleet.")) fleetFileBroken = true;
                    for (Kind k : Kind.values()) invalid.get(k).add(CrossFileRules.UNREADABLE);
                    continue;
                }
                total += size;
                if (total > limits.maxRepoBytes()) {
                    problems.add(new Problem(new Location(rel, 0, 0), "", "the desired-state files add up to more than "
                            + megabytes(limits.maxRepoBytes()) + " here; this and later files are not read"));
                    for (Kind k : Kind.values()) invalid.get(k).add(CrossFileRules.UNREADABLE);
                    break;
                }
                byte[] bytes;
                try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                    bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limits.maxFileBytes() + 1));
                }
                text = decode(rel, bytes, problems);
                if (text == null) {
                    if (rel.startsWith("fleet.")) fleetFileBroken = true;
                    for (Kind k : Kind.values()) invalid.get(k).add(CrossFileRules.UNREADABLE);
                    continue;
                }
                if (text.startsWith("\uFEFF")) text = text.substring(1); // a byte-order mark some editors write
            } catch (IOException e) {
                // the reason only (e.g. "Permission denied"), never content
                problems.add(new Problem(new Location(rel, 0, 0), "", "cannot read file"
                        + (e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? ": " + f.getReason() : "")));
                continue;
            }
            int before = problems.size();
            LocatedYaml.Parsed parsed = LocatedYaml.parseAll(rel, text, problems);
            for (LocatedYaml.Doc doc : parsed.docs()) {
                Resource<?> r = toResource(doc, problems, invalid);
                if (r != null) byKind.get(r.kind()).add(r);
            }
            if (problems.size() > before && rel.startsWith("fleet.")) fleetFileBroken = true;
            if (!parsed.complete()) {
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
        // the job rules run even without a usable Fleet, so a newcomer sees every problem in one run: they get a
        // stand-in Fleet with the defaults (no environments, no freeze windows; what depends on the Fleet's own
        // fields is checked once it is valid)
        DesiredState checked = state.fleet() != null ? state : new DesiredState(root, revision,
                new Resource<>(Kind.FLEET, new Metadata("(invalid Fleet)", Map.of(), Map.of()),
                        new FleetSpec(null, null, false, null, null, null, null, null, null, null, null),
                        new Location("fleet.yaml", 0, 0), FieldLocations.of(new Location("fleet.yaml", 0, 0))),
                state.clusters(), state.downscalePolicies(), state.rightsizePolicies(), state.quotaPolicies(),
                state.certificatePolicies(), state.tools());
        for (DesiredStateRule rule : rules) {
            rule.check(checked, problems);
        }
        return state.fleet() == null ? null : state;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <S> List<Resource<S>> cast(List<Resource<?>> l) {
        return (List) l;
    }

    private List<Path> files(Path root, List<Problem> problems) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            problems.add(new Problem(new Location(root.toString(), 0, 0), "", "not a folder"));
            return out;
        }
        for (String name : List.of("fleet.yaml", "fleet.yml")) {
            Path f = root.resolve(name);
            if (Files.exists(f, LinkOption.NOFOLLOW_LINKS)) listed(root, f, out, problems);
        }
        for (String place : PLACES) {
            Path dir = root.resolve(place);
            if (Files.isSymbolicLink(dir)) {
                refused(root, dir, "is a symbolic link; links are not followed in the desired-state repo", problems);
                continue;
            }
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) continue;
            List<Path> found;
            try (Stream<Path> s = Files.walk(dir)) { // does not follow links: a linked folder is listed as a link
                found = s.filter(p -> Files.isSymbolicLink(p) || (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                                && (p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))))
                        .sorted().limit(limits.maxFiles() + 1L).toList();
            } catch (IOException | UncheckedIOException e) {
                problems.add(new Problem(new Location(place, 0, 0), "", "cannot list the folder"));
                continue;
            }
            for (Path p : found) {
                if (out.size() >= limits.maxFiles()) {
                    problems.add(new Problem(new Location(place, 0, 0), "", "more than " + limits.maxFiles()
                            + " desired-state files; the rest are not read"));
                    return out;
                }
                listed(root, p, out, problems);
            }
        }
        return out;
    }

    private static void listed(Path root, Path file, List<Path> out, List<Problem> problems) {
        try {
            SafePaths.checkListed(root, file);
            out.add(file);
        } catch (SafePaths.UnsafePathException e) {
            refused(root, file, e.reason(), problems);
        }
    }

    private static void refused(Path root, Path file, String reason, List<Problem> problems) {
        problems.add(new Problem(new Location(root.relativize(file).toString().replace('\\', '/'), 0, 0), "",
                "refused: " + reason));
    }

    private static String megabytes(long bytes) {
        if (bytes < (1L << 20)) return bytes + " bytes";
        return bytes % (1L << 20) == 0 ? (bytes >> 20) + " MiB" : String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    /** UTF-8 text, or null after reporting the line and column of the first byte that is not UTF-8. */
    static String decode(String rel, byte[] bytes, List<Problem> problems) {
        // validate in chunks (a whole-file CharBuffer would double the memory of a large file), then decode once
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(64 * 1024);
        CoderResult r;
        do {
            out.clear();
            r = d.decode(in, out, true);
        } while (r.isOverflow());
        if (!r.isError()) {
            out.clear();
            r = d.flush(out);
        }
        if (!r.isError()) return new String(bytes, StandardCharsets.UTF_8);
        int pos = in.position();
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < pos; i++) {
            if (bytes[i] == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        String before = new String(bytes, lineStart, pos - lineStart, StandardCharsets.UTF_8);
        int col = before.codePointCount(0, before.length()) + 1;
        problems.add(new Problem(new Location(rel, line, col), "", String.format(
                "not UTF-8 text (byte 0x%02X); save the file as UTF-8", bytes[pos] & 0xff)));
        return null;
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
        for (Problem p : MESSAGES.toProblems(SCHEMAS.get(kind).validate(root), at)) {
            if (!aboutUndefinedAlias(p, doc.undefinedAliases())) problems.add(p);
        }
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
            problems.add(bindingProblem(e, at));
            invalid.get(kind).add(root.path("metadata").path("name").asText(CrossFileRules.UNREADABLE));
            return null;
        }
    }

    /**
     * What the schema let through but the spec record cannot hold (a number beyond the Java type's range where the
     * schema gives no maximum): the field and its line, in words.
     */
    static Problem bindingProblem(Exception e, FieldLocations at) {
        String pointer = "/spec";
        if (e instanceof com.fasterxml.jackson.databind.JsonMappingException jm) {
            StringBuilder sb = new StringBuilder("/spec");
            for (com.fasterxml.jackson.databind.JsonMappingException.Reference r : jm.getPath()) {
                if (r.getFieldName() != null) sb.append('/').append(r.getFieldName().replace("~", "~0").replace("/", "~1"));
                else if (r.getIndex() >= 0) sb.append('/').append(r.getIndex());
            }
            pointer = sb.toString();
        }
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        String msg = t instanceof com.fasterxml.jackson.core.JsonProcessingException jp ? jp.getOriginalMessage() : t.getMessage();
        if (msg == null) msg = e.getClass().getSimpleName();
        int nl = msg.indexOf('\n');
        if (nl > 0) msg = msg.substring(0, nl);
        java.util.regex.Matcher range = java.util.regex.Pattern
                .compile("Numeric value \\((.*)\\) out of range of (\\w+) \\((-?\\d+) - (-?\\d+)\\).*").matcher(msg);
        if (range.matches()) {
            msg = "must be at most " + range.group(4) + ", found " + range.group(1);
        } else {
            msg = "cannot read: " + msg;
        }
        Location l = at.byPointer().getOrDefault(pointer + "#value", at.at(pointer));
        return new Problem(l, FieldLocations.fieldPath(pointer), msg);
    }

    /** A schema problem about a field whose alias was already reported as naming no anchor (it is one mistake). */
    private static boolean aboutUndefinedAlias(Problem p, Set<String> pointers) {
        for (String ptr : pointers) {
            if (p.field().equals(FieldLocations.fieldPath(ptr))) return true;
            int slash = ptr.lastIndexOf('/');
            String name = ptr.substring(slash + 1).replace("~1", "/").replace("~0", "~");
            if (p.field().equals(FieldLocations.fieldPath(ptr.substring(0, Math.max(0, slash))))
                    && p.message().equals("missing required field '" + name + "'")) return true;
        }
        return false;
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
                            + SchemaMessages.didYouMean(v.asText(), TimeZones.ids())
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
        return TimeZones.region(id).isPresent();
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
