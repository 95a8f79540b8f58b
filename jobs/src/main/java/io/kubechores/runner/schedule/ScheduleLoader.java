package io.kubechores.runner.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.kubechores.desiredstate.FieldLocations;
import io.kubechores.desiredstate.LocatedYaml;
import io.kubechores.desiredstate.Location;
import io.kubechores.desiredstate.Problem;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Loads schedules/*.yaml: YAML with locations, JSON Schema (schedules/schedule.schema.json), then cron (cron-utils,
 * 5 fields), time zone, file-name and duplicate-name checks. Every problem names file:line:column and field; all
 * problems are listed, not just the first.
 */
public final class ScheduleLoader {
    /** Where the schedules live in the kubechores repo, and inside the jar. */
    public static final String FOLDER = "schedules";
    private static final JsonSchema SCHEMA = loadSchema();

    /** One schedule file's text; {@code file} is how problems name it (e.g. schedules/certs-daily.yaml). */
    public record Source(String file, String text) {}

    /** Loads and validates every schedule of a folder; throws {@link InvalidSchedulesException} listing each problem. */
    public List<JobSchedule> load(Path folder) {
        return orThrow(sources(folder));
    }

    /** The schedules shipped inside the jar (classpath:schedules/*.yaml). */
    public List<JobSchedule> loadClasspath() {
        return orThrow(classpathSources());
    }

    /** The folder when it exists (a checkout of kubechores), else the schedules shipped in the jar. */
    public List<JobSchedule> loadFolderOrClasspath(Path folder) {
        return folder != null && Files.isDirectory(folder) ? load(folder) : loadClasspath();
    }

    public List<JobSchedule> orThrow(List<Source> sources) {
        List<Problem> problems = new ArrayList<>();
        List<JobSchedule> out = load(sources, problems);
        if (!problems.isEmpty()) throw new InvalidSchedulesException(problems.stream().sorted().toList());
        return out;
    }

    public static List<Source> sources(Path folder) {
        if (!Files.isDirectory(folder)) throw new UncheckedIOException(new IOException("not a folder: " + folder));
        String prefix = folder.getFileName() == null ? "" : folder.getFileName() + "/";
        try (Stream<Path> s = Files.list(folder)) {
            List<Source> out = new ArrayList<>();
            for (Path p : s.filter(Files::isRegularFile).filter(ScheduleLoader::isYaml).sorted().toList()) {
                out.add(new Source(prefix + p.getFileName(), Files.readString(p, StandardCharsets.UTF_8)));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<Source> classpathSources() {
        try {
            Resource[] rs = new PathMatchingResourcePatternResolver(ScheduleLoader.class.getClassLoader())
                    .getResources("classpath*:" + FOLDER + "/*.y*ml");
            List<Source> out = new ArrayList<>();
            for (Resource r : rs) {
                try (InputStream in = r.getInputStream()) {
                    out.add(new Source(FOLDER + "/" + r.getFilename(), new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                }
            }
            out.sort(Comparator.comparing(Source::file));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isYaml(Path p) {
        String n = p.getFileName().toString();
        return n.endsWith(".yaml") || n.endsWith(".yml");
    }

    /** Loads what is valid and appends every problem found. Schedules are returned sorted by name. */
    public List<JobSchedule> load(List<Source> sources, List<Problem> problems) {
        List<JobSchedule> out = new ArrayList<>();
        Map<String, JobSchedule> byName = new HashMap<>();
        for (Source src : sources) {
            JobSchedule s = loadOne(src, problems);
            if (s == null) continue;
            JobSchedule first = byName.putIfAbsent(s.name(), s);
            if (first != null) {
                problems.add(new Problem(s.location(), "name",
                        "duplicate schedule name '" + s.name() + "' (first at " + first.location() + ")"));
                continue;
            }
            out.add(s);
        }
        out.sort(Comparator.comparing(JobSchedule::name));
        return out;
    }

    private JobSchedule loadOne(Source src, List<Problem> problems) {
        List<LocatedYaml.Doc> docs;
        try {
            docs = LocatedYaml.parse(src.file(), src.text());
        } catch (LocatedYaml.SyntaxError e) {
            problems.add(new Problem(e.location(), "", e.getMessage()));
            return null;
        }
        docs = docs.stream().filter(d -> d.root() != null && !d.root().isNull()
                && !(d.root().isObject() && d.root().isEmpty())).toList();
        if (docs.isEmpty()) {
            problems.add(new Problem(new Location(src.file(), 1, 1), "", "empty file: expected one schedule"));
            return null;
        }
        if (docs.size() > 1) {
            problems.add(new Problem(docs.get(1).locations().document(), "",
                    "one schedule per file (this file holds " + docs.size() + ")"));
            return null;
        }
        JsonNode root = docs.getFirst().root();
        FieldLocations at = docs.getFirst().locations();
        if (!root.isObject()) {
            problems.add(new Problem(at.document(), "", "a schedule must be a mapping with name, job, cron, timeZone"));
            return null;
        }
        int before = problems.size();
        for (ValidationMessage m : SCHEMA.validate(root)) problems.add(toProblem(m, at));
        if (problems.size() > before) return null;

        String name = root.get("name").asText();
        String fileName = src.file().substring(src.file().lastIndexOf('/') + 1);
        if (!fileName.equals(name + ".yaml") && !fileName.equals(name + ".yml")) {
            problems.add(new Problem(at.at("/name#value"), "name",
                    "file name must be the schedule name: rename the file to " + name + ".yaml or the schedule to '"
                            + fileName.replaceFirst("\\.ya?ml$", "") + "'"));
        }
        String cron = root.get("cron").asText();
        try {
            CronSchedule.parse(cron);
        } catch (IllegalArgumentException e) {
            problems.add(new Problem(at.at("/cron#value"), "cron", "invalid cron '" + cron + "': " + firstLine(e.getMessage())));
        }
        ZoneId zone = null;
        String tz = root.get("timeZone").asText();
        try {
            zone = ZoneId.of(tz);
        } catch (DateTimeException e) {
            problems.add(new Problem(at.at("/timeZone#value"), "timeZone",
                    "unknown time zone '" + tz + "' (use an IANA name such as Europe/Berlin or Etc/UTC)"));
        }
        int shards = root.path("shards").asInt(1);
        if (shards > 1 && !io.kubechores.core.Shard.SHARDABLE_JOBS.contains(root.get("job").asText())) {
            problems.add(new Problem(at.at("/shards#value"), "shards", "job '" + root.get("job").asText()
                    + "' cannot be sharded (only " + String.join(", ", new java.util.TreeSet<>(io.kubechores.core.Shard.SHARDABLE_JOBS))
                    + ": jobs whose run is independent work per cluster); remove shards"));
        }
        if (problems.size() > before) return null;

        JsonNode a = root.path("args");
        List<String> clusters = new ArrayList<>();
        a.path("clusters").forEach(c -> clusters.add(c.asText()));
        JobSchedule.Args args = new JobSchedule.Args(a.path("dryRun").asBoolean(false), clusters,
                a.hasNonNull("repo") ? a.get("repo").asText() : null,
                a.hasNonNull("ref") ? a.get("ref").asText() : null);
        return new JobSchedule(name, root.get("job").asText(), root.path("description").asText(""),
                CronSchedule.parse(cron).expression(), zone, args, root.path("enabled").asBoolean(true),
                root.path("concurrencyPolicy").asText("Forbid"), at.document(), shards);
    }

    private static String firstLine(String s) {
        if (s == null) return "not valid";
        int nl = s.indexOf('\n');
        return nl > 0 ? s.substring(0, nl) : s;
    }

    private static Problem toProblem(ValidationMessage m, FieldLocations at) {
        String pointer = m.getInstanceLocation().toString();
        String message = m.getMessage();
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

    private static JsonSchema loadSchema() {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().pathType(PathType.JSON_POINTER).build();
        try (InputStream in = ScheduleLoader.class.getResourceAsStream("/" + FOLDER + "/schedule.schema.json")) {
            if (in == null) throw new IllegalStateException("schema missing from the jar: schedules/schedule.schema.json");
            return factory.getSchema(in, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
