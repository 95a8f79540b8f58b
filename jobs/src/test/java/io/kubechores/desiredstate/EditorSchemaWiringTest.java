package io.kubechores.desiredstate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example repo's editor wiring (.vscode/settings.json, the Red Hat YAML extension's "yaml.schemas": schema path
 * → glob, relative to the opened folder) sends every desired-state file to the schema of its own kind, and the
 * schemas it names exist. Opening repo-layout/example in VS Code then completes and checks each file.
 */
class EditorSchemaWiringTest {
    static final Path EXAMPLE = Path.of("../repo-layout/example");

    @Test
    void everyDesiredStateFileOfTheExampleMapsToTheSchemaOfItsKind() throws IOException {
        JsonNode mapping = new ObjectMapper().readTree(EXAMPLE.resolve(".vscode/settings.json").toFile()).path("yaml.schemas");
        Map<String, String> globToKind = new TreeMap<>();
        for (var e : mapping.properties()) {
            Path schema = EXAMPLE.resolve(e.getKey()).normalize();
            assertThat(schema).as("schema %s", e.getKey()).exists();
            String kind = new ObjectMapper().readTree(schema.toFile()).at("/properties/kind/const").asText();
            assertThat(kind).as("%s declares its kind", e.getKey()).isNotEmpty();
            globToKind.put(e.getValue().asText(), kind);
        }
        List<String> checked = new ArrayList<>();
        try (Stream<Path> s = Files.walk(EXAMPLE)) {
            for (Path f : s.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                String rel = EXAMPLE.relativize(f).toString().replace('\\', '/');
                String top = rel.contains("/") ? rel.substring(0, rel.indexOf('/')) : rel;
                if (!top.equals("fleet.yaml") && !DesiredStateLoader.PLACES.contains(top)) continue; // apps/: not desired state
                String kind = new ObjectMapper(new YAMLFactory()).readTree(f.toFile()).path("kind").asText();
                List<String> matching = globToKind.keySet().stream().filter(g -> matches(g, rel)).toList();
                assertThat(matching).as("globs matching %s", rel).hasSize(1);
                assertThat(globToKind.get(matching.getFirst())).as("%s is a %s", rel, kind).isEqualTo(kind);
                checked.add(rel);
            }
        }
        assertThat(checked).hasSizeGreaterThanOrEqualTo(12).contains("fleet.yaml", "clusters/prod-eu-1.yaml");
    }

    /** VS Code globs: "**&#47;" also matches no folder at all (Java's glob needs one), so try both. */
    static boolean matches(String glob, String rel) {
        var fs = FileSystems.getDefault();
        return fs.getPathMatcher("glob:" + glob).matches(Path.of(rel))
                || fs.getPathMatcher("glob:" + glob.replace("**/", "")).matches(Path.of(rel));
    }
}
