package io.kubechores.cli;

import io.kubechores.desiredstate.Problem;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * `validate --output sarif|github`: the problems for CI.
 * <ul>
 *   <li>SARIF 2.1.0 (OASIS Static Analysis Results Interchange Format) in the subset GitHub code scanning reads
 *   (docs.github.com, "SARIF support for code scanning"): {@code version}, {@code $schema}, {@code runs[].tool.driver}
 *   with {@code name} and {@code rules[]} ({@code id}, {@code shortDescription}), {@code results[]} with a stable
 *   {@code ruleId}, {@code level}, {@code message.text} and one {@code physicalLocation} (repo-relative
 *   {@code artifactLocation.uri}, {@code region.startLine}/{@code startColumn}, both 1-based: a problem of a whole
 *   file points at line 1).</li>
 *   <li>github: GitHub Actions workflow commands, one {@code ::error file=F,line=L,col=C,title=T::MESSAGE} per problem
 *   (docs.github.com, "Workflow commands for GitHub Actions": data escapes % CR LF, properties also : and ,), which
 *   the runner turns into annotations on the pull request's files.</li>
 * </ul>
 * The rule id is the field path without list indexes (spec.nodePools[].maxSize), so the same kind of problem keeps its
 * id across runs, which code scanning needs to match alerts.
 */
public final class ValidateOutput {
    public static final String SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

    private ValidateOutput() {}

    static String ruleId(Problem p) {
        String f = p.field() == null || p.field().isEmpty() ? "document" : p.field().replaceAll("\\[\\d+]", "[]");
        return "kubechores/" + f;
    }

    /** @param uriPrefix prepended to each file (the repo's folder inside the git repository, "" at its root) */
    public static String sarif(List<Problem> problems, String uriPrefix, String version) {
        Map<String, Object> rules = new TreeMap<>();
        List<Object> results = new ArrayList<>();
        for (Problem p : problems) {
            String id = ruleId(p);
            rules.computeIfAbsent(id, k -> {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("id", k);
                r.put("name", k.substring("kubechores/".length()));
                r.put("shortDescription", Map.of("text", "Invalid " + k.substring("kubechores/".length())));
                return r;
            });
            Map<String, Object> region = new LinkedHashMap<>();
            region.put("startLine", Math.max(1, p.location().line()));
            if (p.location().column() > 0) region.put("startColumn", p.location().column());
            Map<String, Object> physical = new LinkedHashMap<>();
            physical.put("artifactLocation", Map.of("uri", uri(uriPrefix, p.location().file())));
            physical.put("region", region);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("ruleId", id);
            r.put("level", "error");
            r.put("message", Map.of("text", (p.field() == null || p.field().isEmpty() ? "" : p.field() + ": ") + p.message()));
            r.put("locations", List.of(Map.of("physicalLocation", physical)));
            results.add(r);
        }
        Map<String, Object> driver = new LinkedHashMap<>();
        driver.put("name", "kubechores");
        driver.put("version", version);
        driver.put("rules", new ArrayList<>(rules.values()));
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("tool", Map.of("driver", driver));
        run.put("results", results);
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("$schema", SARIF_SCHEMA);
        root.put("version", "2.1.0");
        root.put("runs", List.of(run));
        return io.kubechores.report.Reports.json(root);
    }

    public static String github(List<Problem> problems, String uriPrefix) {
        StringBuilder sb = new StringBuilder();
        for (Problem p : problems) {
            sb.append("::error file=").append(property(uri(uriPrefix, p.location().file())));
            if (p.location().line() > 0) sb.append(",line=").append(p.location().line());
            if (p.location().column() > 0) sb.append(",col=").append(p.location().column());
            sb.append(",title=").append(property("kubechores validate: " + ruleId(p).substring("kubechores/".length())));
            sb.append("::").append(data((p.field() == null || p.field().isEmpty() ? "" : p.field() + ": ") + p.message())).append('\n');
        }
        return sb.toString();
    }

    static String uri(String prefix, String file) {
        String f = file.replace('\\', '/');
        if (prefix == null || prefix.isEmpty()) return f;
        return prefix.endsWith("/") ? prefix + f : prefix + "/" + f;
    }

    static String data(String s) {
        return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A");
    }

    static String property(String s) {
        return data(s).replace(":", "%3A").replace(",", "%2C");
    }
}
