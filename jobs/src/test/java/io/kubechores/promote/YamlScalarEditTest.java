package io.kubechores.promote;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.util.Map;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class YamlScalarEditTest {
    static String fixture() throws Exception {
        return Files.readString(Path.of("src/test/resources/promote/loki-multi.yaml"));
    }

    @Test
    void replacesOnlyThatScalarInTheRightDocument() throws Exception {
        String before = fixture();
        String after = YamlScalarEdit.replace(before, "Tool", "loki", "spec.versions.prod", "6.16.0");
        assertThat(after).isEqualTo(before.replace("prod:    6.12.0   # do not touch by hand",
                "prod:    6.16.0   # do not touch by hand"));
    }

    @Test
    void keepsQuoteStyleInFlowMappings() throws Exception {
        String before = fixture();
        String after = YamlScalarEdit.replace(before, "Tool", "tempo", "spec.versions.prod", "1.10.0");
        assertThat(after).isEqualTo(before.replace("prod: \"1.9.0\"}", "prod: \"1.10.0\"}"));
    }

    @Test
    void unchangedWhenTheValueIsAlreadyThere() throws Exception {
        String before = fixture();
        assertThat(YamlScalarEdit.replace(before, "Tool", "loki", "spec.versions.staging", "6.16.0")).isSameAs(before);
    }

    @Test
    void missingPathIsAnError() throws Exception {
        assertThatThrownBy(() -> YamlScalarEdit.replace(fixture(), "Tool", "loki", "spec.versions.dev", "1"))
                .hasMessageContaining("spec.versions.dev not found");
        assertThatThrownBy(() -> YamlScalarEdit.replace(fixture(), "Tool", "nope", "spec.versions.prod", "1"))
                .hasMessageContaining("no document Tool/nope");
    }

    @Test
    void aVersionInAnotherFileIsEditedInItsFirstDocument() {
        String values = "# values for loki\nloki:\n  image:\n    tag: 3.1.1 # pinned\n";
        assertThat(PromoteChore.editVersion(values, "loki", "loki.image.tag", "3.2.0"))
                .isEqualTo("# values for loki\nloki:\n  image:\n    tag: 3.2.0 # pinned\n");
    }

    @Test
    void aVersionSharedThroughAnAnchorIsRefusedNamingIt() {
        // the same rule as rightsize (SourceYaml): editing the anchor would also change the alias' user
        String values = "loki:\n  tag: &v 3.1.1\npromtail:\n  tag: *v\n";
        assertThatThrownBy(() -> YamlScalarEdit.replace("values.yaml", values, null, null, "loki.tag", "3.2.0"))
                .hasMessage("values.yaml:2: loki.tag anchor &v at values.yaml:2 is also used through an alias or merge"
                        + " key; editing it would change every user");
    }

    @Test
    void commentsWithHelmTemplatesAreLeftAlone() {
        String values = "# image: {{ .Values.global.registry }}/loki\nloki:\n  tag: 3.1.1 # {{ template \"x\" }}\n";
        assertThat(YamlScalarEdit.replace(values, null, null, "loki.tag", "3.2.0"))
                .isEqualTo(values.replace("3.1.1", "3.2.0"));
    }

    /**
     * A plain scalar that YAML 1.1 (SnakeYAML, the loader of the desired state) resolves to something other than
     * the same string is written quoted, so the next validate reads a string again: {@code 2.0} is a float, {@code 1.10}
     * reads back as 1.1, {@code 010} as 8, {@code no} as false (https://yaml.org/type/float.html, /int.html, /bool.html).
     */
    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            6.16.0                  | 6.16.0
            2.0                     | "2.0"
            1.10                    | "1.10"
            3                       | "3"
            010                     | "010"
            1e3                     | "1e3"
            no                      | "no"
            on                      | "on"
            null                    | "null"
            v1.2.3                  | v1.2.3
            1.2.3-rc.1+build.5      | 1.2.3-rc.1+build.5
            1.2.3@sha256:abc        | 1.2.3@sha256:abc
            `a"b`                   | `"a\\"b"`
            `@latest`               | `"@latest"`
            """)
    void quotesWhatWouldNotReadBackAsTheSameString(String version, String written) {
        String before = "kind: Tool\nmetadata: {name: x}\nspec:\n  versions:\n    prod: 6.12.0 # keep\n";
        String after = YamlScalarEdit.replace(before, "Tool", "x", "spec.versions.prod", version);
        assertThat(after).isEqualTo(before.replace("prod: 6.12.0", "prod: " + written));
        Map<?, ?> doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(after);
        assertThat(((Map<?, ?>) ((Map<?, ?>) doc.get("spec")).get("versions")).get("prod")).isEqualTo(version);
    }
}
