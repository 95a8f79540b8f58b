package io.kubechores.rightsize;

import io.kubechores.yaml.SourceYaml;
import io.kubechores.yaml.SourceYaml.Ref;
import io.kubechores.yaml.YamlEditException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The editor over 48 real files (Helm values, manifests, kustomize patches, HelmReleases, CRs) copied byte-exact
 * from public Apache-2.0/MIT repositories (src/test/resources/real-yaml/README.md names each source, commit and
 * license). Every file must be read; every structural resources block (a mapping, {}, null or an alias; not RBAC
 * lists, PVC storage or text inside block scalars) is edited (values changed, or a placeholder filled) and each
 * edit is proven by SourceYaml's re-parse; at least 95% of the blocks features.tsv counts must succeed, and the
 * refusals must be the anchor/alias/merge cases, named.
 */
class RealYamlCorpusTest {
    static final Path DIR = Path.of("src/test/resources/real-yaml");

    record Outcome(int blocks, int edited, List<String> refused) {}

    @Test
    void everyFileIsReadAndAtLeast95PercentOfTheBlocksAreEditedAndProven() throws IOException {
        Map<String, Integer> expected = new TreeMap<>();
        for (String line : Files.readAllLines(DIR.resolve("features.tsv")).subList(1, 49)) {
            String[] f = line.split("\t");
            expected.put(f[0], Integer.parseInt(f[6]));
        }
        assertThat(expected).hasSize(48);
        // every YAML file of the corpus is in the table, so the loop below runs all of them (none left out)
        try (var files = Files.walk(DIR)) {
            assertThat(files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .map(f -> DIR.relativize(f).toString().replace('\\', '/')).sorted().toList())
                    .containsExactlyElementsOf(expected.keySet());
        }
        int total = expected.values().stream().mapToInt(Integer::intValue).sum();
        int edited = 0;
        int found = 0;
        List<String> refused = new ArrayList<>();
        Map<String, String> mismatches = new TreeMap<>();
        for (var e : expected.entrySet()) {
            String content = Files.readString(DIR.resolve(e.getKey()));
            SourceYaml y = SourceYaml.parse(e.getKey(), content); // every file is read: a parse error fails here
            Outcome o = editAll(y);
            found += o.blocks();
            edited += o.edited();
            refused.addAll(o.refused());
            if (o.blocks() != e.getValue()) mismatches.put(e.getKey(), o.blocks() + " found, " + e.getValue() + " counted");
        }
        assertThat(files(expected)).isEqualTo(48);
        System.out.printf("real-yaml corpus: %d files, %d blocks counted by features.tsv, %d found, %d edited and"
                + " proven, %d refused%n", expected.size(), total, found, edited, refused.size());
        refused.forEach(r -> System.out.println("  refused: " + r));
        mismatches.forEach((f, m) -> System.out.println("  count differs: " + f + ": " + m));
        assertThat(edited).isGreaterThanOrEqualTo((int) Math.ceil(total * 0.95));
        assertThat(refused).allSatisfy(r -> assertThat(r).containsAnyOf("anchor &", "alias *", "merge key"));
    }

    private static int files(Map<String, Integer> expected) {
        return (int) expected.keySet().stream().filter(f -> Files.isRegularFile(DIR.resolve(f))).count();
    }

    /** Finds every resources block of a file and edits each on its own (the way rightsize edits one container). */
    static Outcome editAll(SourceYaml y) {
        List<Ref> blocks = new ArrayList<>();
        for (Ref d : y.documents()) collect(y, d, blocks, 0);
        List<String> refused = new ArrayList<>();
        List<SourceYaml.Change> changes = new ArrayList<>();
        for (Ref b : blocks) {
            String shared = y.sharing(b);
            if (shared != null) refused.add(y.where(b) + ": " + shared);
            else changes.add(new SourceYaml.Change(b, wanted(y, b)));
        }
        // one proof for the whole file (the re-parse compares every scalar of the file); the machine is shared
        int edited = 0;
        if (!changes.isEmpty()) {
            SourceYaml.Result r = y.apply(changes);
            assertThat(r.content()).isNotEqualTo(y.content());
            edited = changes.size();
        }
        return new Outcome(blocks.size(), edited, refused);
    }

    /** New cpu/memory values for the fields the block sets; for a placeholder, a minimal requests block. */
    static Map<String, String> wanted(SourceYaml y, Ref block) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String section : List.of("requests", "limits")) {
            Ref s = y.get(block, section);
            for (String r : List.of("cpu", "memory")) {
                if (s != null && SourceYaml.text(y.get(s, r)) != null) out.put(section + "/" + r, r.equals("cpu") ? "123m" : "321Mi");
            }
        }
        if (out.isEmpty()) {
            out.put("requests/cpu", "123m");
            out.put("requests/memory", "321Mi");
        }
        return out;
    }

    private static void collect(SourceYaml y, Ref r, List<Ref> out, int depth) {
        if (depth > 60) return;
        for (Ref c : y.children(r)) {
            if (c.through() != null && c.through().startsWith("merge key")) continue; // counted where written
            if ("resources".equals(c.step()) && c.key() != null && isComputeBlock(y, c)) {
                out.add(c);
                continue;
            }
            if (c.through() == null) collect(y, c, out, depth + 1);
        }
    }

    /** A mapping, {} or null; not a list (RBAC, kustomize) and not PVC storage or a JSON6902 path value. */
    private static boolean isComputeBlock(SourceYaml y, Ref c) {
        if (c.isPlaceholder()) return true;
        if (!c.isMapping()) return false;
        for (Ref section : y.children(c)) {
            if (section.isPlaceholder()) continue;
            for (Ref q : y.children(section)) if (!"storage".equals(q.step())) return true;
            if (!List.of("requests", "limits", "claims").contains(section.step())) return true;
        }
        return y.children(c).stream().allMatch(Ref::isPlaceholder);
    }
}
