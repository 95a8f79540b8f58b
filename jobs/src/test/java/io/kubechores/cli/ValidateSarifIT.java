package io.kubechores.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubechores.desiredstate.Location;
import io.kubechores.desiredstate.Problem;
import io.kubechores.testing.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `validate --output sarif|github` for CI. SARIF: the properties GitHub code scanning requires of an uploaded file
 * (docs.github.com, "SARIF support for code scanning": version 2.1.0, runs[].tool.driver.name, results[] with
 * ruleId, message.text, locations[].physicalLocation.artifactLocation.uri and region.startLine >= 1; ruleId stable
 * across runs). github: workflow commands (docs.github.com, "Workflow commands for GitHub Actions", ::error with
 * file/line/col/title and %-escaping).
 */
class ValidateSarifIT {
    @TempDir
    Path tmp;

    Path broken() throws Exception {
        Path b = tmp.resolve("repo");
        TestFiles.copyTree(CliIT.EXAMPLE, b);
        Path c = b.resolve("clusters/prod-us-1.yaml");
        Files.writeString(c, Files.readString(c).replace("maxSize: 40", "maxSize: forty"));
        return b;
    }

    @Test
    void sarifCarriesWhatCodeScanningNeedsForEveryProblem() throws Exception {
        CliIT.Result r = CliIT.run("validate", "--repo", broken().toString(), "--home", tmp.resolve("h").toString(),
                "--output", "sarif", "--path-prefix", "fleet/");
        assertThat(r.code()).isEqualTo(2);
        JsonNode s = new ObjectMapper().readTree(r.out());
        assertThat(s.path("version").asText()).isEqualTo("2.1.0");
        assertThat(s.path("$schema").asText()).contains("sarif-2.1.0");
        JsonNode run = s.path("runs").get(0);
        assertThat(run.at("/tool/driver/name").asText()).isEqualTo("kubechores");
        JsonNode result = run.path("results").get(0);
        assertThat(result.path("ruleId").asText()).isEqualTo("kubechores/spec.nodePools[].maxSize");
        assertThat(result.path("level").asText()).isEqualTo("error");
        assertThat(result.at("/message/text").asText()).isEqualTo("spec.nodePools[0].maxSize: expected a whole number, found text 'forty'");
        JsonNode loc = result.at("/locations/0/physicalLocation");
        assertThat(loc.at("/artifactLocation/uri").asText()).isEqualTo("fleet/clusters/prod-us-1.yaml");
        assertThat(loc.at("/region/startLine").asInt()).isEqualTo(19);
        assertThat(loc.at("/region/startColumn").asInt()).isEqualTo(16);
        // every result's rule is declared in the driver
        List<String> rules = run.at("/tool/driver/rules").findValuesAsText("id");
        for (JsonNode res : run.path("results")) assertThat(rules).contains(res.path("ruleId").asText());
        // stdout is only the SARIF document: `> kubechores.sarif` must stay valid JSON
        assertThat(r.out().strip()).startsWith("{").endsWith("}");

        CliIT.Result ok = CliIT.run("validate", "--repo", CliIT.EXAMPLE.toString(), "--home", tmp.resolve("h2").toString(),
                "--output", "sarif");
        assertThat(ok.code()).isZero();
        assertThat(new ObjectMapper().readTree(ok.out()).at("/runs/0/results").size()).isZero();
    }

    @Test
    void githubOutputIsOneErrorCommandPerProblem() throws Exception {
        CliIT.Result r = CliIT.run("validate", "--repo", broken().toString(), "--home", tmp.resolve("h").toString(),
                "--output", "github");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out().lines()).contains("::error file=clusters/prod-us-1.yaml,line=19,col=16,"
                + "title=kubechores validate%3A spec.nodePools[].maxSize::spec.nodePools[0].maxSize: expected a whole number, found text 'forty'");
    }

    @Test
    void problemsOfAWholeFileStillPointAtLineOneAndEscapingFollowsTheWorkflowCommandRules() throws Exception {
        Problem whole = new Problem(new Location("fleet.yaml", 0, 0), "", "no Fleet document: 100% missing,\nreally");
        JsonNode s = new ObjectMapper().readTree(ValidateOutput.sarif(List.of(whole), "", "0.1.0"));
        assertThat(s.at("/runs/0/results/0/locations/0/physicalLocation/region/startLine").asInt()).isEqualTo(1);
        assertThat(s.at("/runs/0/results/0/ruleId").asText()).isEqualTo("kubechores/document");
        assertThat(ValidateOutput.github(List.of(whole), "a,b:c")).isEqualTo(
                "::error file=a%2Cb%3Ac/fleet.yaml,title=kubechores validate%3A document::no Fleet document: 100%25 missing,%0Areally\n");
    }

    /** The kustomize base ships a placeholder repo URL (k8s/config.yaml): a pod started with it says what to patch. */
    @Test
    void theBasesPlaceholderRepoIsRefusedWithWhatToPatch() {
        for (String cmd : List.of("run", "plan")) {
            CliIT.Result r = CliIT.run(cmd, "certs", "--repo", "REPLACE_WITH_YOUR_FLEET_REPO_URL", "--home", tmp.resolve("h").toString());
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("placeholder").contains("ConfigMap kubechores").contains("Your values");
        }
        assertThat(CliIT.run("validate", "--repo=REPLACE_WITH_YOUR_FLEET_REPO_URL").code()).isEqualTo(2);
    }
}
