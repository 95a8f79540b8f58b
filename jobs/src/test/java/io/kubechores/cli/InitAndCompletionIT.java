package io.kubechores.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * `kubechores completion bash|zsh` (picocli's AutoComplete script, run in a real bash: COMP_WORDS/COMP_CWORD/COMPREPLY
 * as bash's programmable completion sets them, bash manual "Programmable Completion") and `kubechores init`
 * (a minimal repo from kubeconfig contexts that `validate` accepts).
 */
class InitAndCompletionIT {
    @TempDir
    Path tmp;

    static Path onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    /** The words bash would offer after typing {@code line} (the last word is being completed). */
    String complete(Path script, String line) throws Exception {
        String fn = Files.readAllLines(script).stream().filter(l -> l.strip().startsWith("complete -F"))
                .map(l -> l.strip().split("\\s+")[2]).findFirst().orElseThrow();
        String words = line.endsWith(" ") ? line + "''" : line;
        String cmd = "source " + script + " >/dev/null 2>&1; COMP_WORDS=(" + words + "); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); "
                + "COMP_LINE='" + line + "'; COMP_POINT=${#COMP_LINE}; " + fn + " kubechores; printf '%s\\n' \"${COMPREPLY[@]}\"";
        // stderr dropped: compopt complains outside a real completion call, which changes nothing offered
        Process p = new ProcessBuilder(onPath("bash").toString(), "-c", cmd)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @Test
    void bashCompletionOffersSubcommandsOptionsAndEnumValues() throws Exception {
        assumeTrue(onPath("bash") != null, "no bash");
        CliIT.Result r = CliIT.run("completion", "bash");
        assertThat(r.code()).as(r.err()).isZero();
        Path script = tmp.resolve("kubechores.bash");
        Files.writeString(script, r.out());
        Process syntax = new ProcessBuilder(onPath("bash").toString(), "-n", script.toString()).redirectErrorStream(true).start();
        assertThat(syntax.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(syntax.exitValue()).as(new String(syntax.getInputStream().readAllBytes())).isZero();

        assertThat(complete(script, "kubechores pl").lines()).contains("plan");
        assertThat(complete(script, "kubechores ").lines()).contains("validate", "plan", "run", "serve", "render-k8s",
                "doctor", "init", "completion");
        assertThat(complete(script, "kubechores plan --out").lines()).contains("--output");
        assertThat(complete(script, "kubechores plan --output ").lines()).containsExactlyInAnyOrder("text", "json");
        assertThat(complete(script, "kubechores completion ").lines()).containsExactlyInAnyOrder("bash", "zsh");
    }

    @Test
    void zshGetsTheSameScriptWhichLoadsBashcompinit() throws Exception {
        CliIT.Result zsh = CliIT.run("completion", "zsh");
        assertThat(zsh.code()).isZero();
        assertThat(zsh.out()).contains("bashcompinit").isEqualTo(CliIT.run("completion", "bash").out());
        Path z = onPath("zsh");
        if (z != null) { // where zsh is installed, the script loads in it
            Path script = tmp.resolve("kubechores.zsh");
            Files.writeString(script, zsh.out());
            Process p = new ProcessBuilder(z.toString(), "-c", "autoload -U +X compinit && compinit -u; source " + script)
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
        }
        CliIT.Result fish = CliIT.run("completion", "fish");
        assertThat(fish.code()).isEqualTo(2);
        assertThat(fish.err()).contains("fish");
    }

    Path kubeconfig() throws IOException {
        Path k = tmp.resolve("kubeconfig");
        Files.writeString(k, """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: arn:aws:eks:eu-central-1:123456789012:cluster/prod-eu-1
                    cluster: {server: "https://0123456789ABCDEF0123456789ABCDEF.gr7.eu-central-1.eks.amazonaws.com"}
                  - name: staging
                    cluster: {server: "https://127.0.0.1:6443"}
                contexts:
                  - name: arn:aws:eks:eu-central-1:123456789012:cluster/prod-eu-1
                    context: {cluster: "arn:aws:eks:eu-central-1:123456789012:cluster/prod-eu-1", user: eks}
                  - name: Staging_US@work
                    context: {cluster: staging, user: token-user}
                  - name: kind-dev
                    context: {cluster: staging, user: token-user}
                users:
                  - name: token-user
                    user: {token: s3cr3t-token-value}
                  - name: eks
                    user:
                      exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: aws, args: [eks, get-token]}
                """);
        return k;
    }

    @Test
    void initWritesAMinimalRepoFromKubeconfigContextsThatValidates() throws Exception {
        Path out = tmp.resolve("fleet");
        CliIT.Result r = CliIT.run("init", "--kubeconfig", kubeconfig().toString(), "--out", out.toString(), "--fleet", "Acme");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("valid: fleet acme: 3 clusters");
        assertThat(Files.readString(out.resolve("fleet.yaml"))).startsWith("# yaml-language-server: $schema=.schemas/fleet.schema.json")
                .contains("environments: [dev, staging, prod]");
        String prod = Files.readString(out.resolve("clusters/prod-eu-1.yaml"));
        assertThat(prod).contains("environment: prod", "kubeconfigContext: \"arn:aws:eks:eu-central-1:123456789012:cluster/prod-eu-1\"",
                "accountId: \"123456789012\"", "region: eu-central-1");
        assertThat(Files.readString(out.resolve("clusters/staging-us-work.yaml"))).contains("environment: staging",
                "kubeconfigContext: \"Staging_US@work\"");
        assertThat(Files.readString(out.resolve("clusters/kind-dev.yaml"))).contains("environment: dev");
        // editor wiring: the schemas next to the repo and VS Code's mapping to them
        assertThat(out.resolve(".schemas/cluster.schema.json")).exists();
        assertThat(out.resolve(".schemas/common.schema.json")).exists();
        assertThat(Files.readString(out.resolve(".vscode/settings.json")))
                .contains("\".schemas/cluster.schema.json\": \"clusters/**/*.yaml\"");
        // never a credential from the kubeconfig
        try (Stream<Path> files = Files.walk(out)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) assertThat(Files.readString(f)).doesNotContain("s3cr3t");
        }
        // the repo is what `validate` accepts
        CliIT.Result v = CliIT.run("validate", "--repo", out.toString(), "--home", tmp.resolve("h").toString());
        assertThat(v.code()).as(v.err()).isZero();

        // a second init does not overwrite a repo someone may have edited
        CliIT.Result again = CliIT.run("init", "--kubeconfig", kubeconfig().toString(), "--out", out.toString());
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.err()).contains("already has").contains("--force");
    }

    @Test
    void initWithEksConnectsByDescribeClusterAndRefusesUnknownContexts() throws Exception {
        Path out = tmp.resolve("eks");
        CliIT.Result r = CliIT.run("init", "--kubeconfig", kubeconfig().toString(), "--out", out.toString(), "--eks",
                "--context", "arn:aws:eks:eu-central-1:123456789012:cluster/prod-eu-1");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(Files.readString(out.resolve("clusters/prod-eu-1.yaml"))).contains("eks: {name: prod-eu-1, region: eu-central-1}")
                .doesNotContain("kubeconfigContext");
        try (Stream<Path> s = Files.list(out.resolve("clusters"))) {
            assertThat(s.toList()).hasSize(1);
        }
        CliIT.Result bad = CliIT.run("init", "--kubeconfig", kubeconfig().toString(), "--out", tmp.resolve("x").toString(),
                "--context", "nope");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--context nope: no such context").contains("kind-dev");
        assertThat(tmp.resolve("x/fleet.yaml")).doesNotExist();
    }

    /** `render-k8s --chart` rewrites the chart's generated parts (values.yaml schedules block, files/rules.yaml). */
    @Test
    void renderK8sWithChartRewritesOnlyTheGeneratedPartsOfTheChart() throws Exception {
        Path chart = tmp.resolve("chart");
        io.kubechores.testing.TestFiles.copyTree(Path.of("../charts/kubechores").toAbsolutePath(), chart);
        String values = Files.readString(chart.resolve("values.yaml"));
        String emptied = values.substring(0, values.indexOf(io.kubechores.runner.HelmChartRenderer.BEGIN)
                + io.kubechores.runner.HelmChartRenderer.BEGIN.length()) + values.substring(values.indexOf(io.kubechores.runner.HelmChartRenderer.END));
        Files.writeString(chart.resolve("values.yaml"), emptied);
        Files.delete(chart.resolve("files/rules.yaml"));
        CliIT.Result r = CliIT.run("render-k8s", "--schedules", "../schedules", "--out", tmp.resolve("k8s").toString(),
                "--chart", chart.toString());
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(Files.readString(chart.resolve("values.yaml"))).isEqualTo(values);
        assertThat(Files.readString(chart.resolve("files/rules.yaml")))
                .isEqualTo(Files.readString(Path.of("../charts/kubechores/files/rules.yaml")));
        CliIT.Result notAChart = CliIT.run("render-k8s", "--schedules", "../schedules", "--out", tmp.resolve("k8s2").toString(),
                "--chart", tmp.resolve("nothing").toString());
        assertThat(notAChart.code()).isEqualTo(2);
        assertThat(notAChart.err()).contains("has no Chart.yaml");
    }
}
