package io.kubechores.runner;

import groovy.lang.Binding;
import groovy.lang.GroovyClassLoader;
import groovy.lang.GroovyObject;
import groovy.lang.GroovyShell;
import groovy.lang.Script;
import io.kubechores.runner.schedule.CronSchedule;
import io.kubechores.runner.schedule.JobSchedule;
import io.kubechores.runner.schedule.ScheduleLoader;
import org.codehaus.groovy.ast.ASTNode;
import org.codehaus.groovy.ast.CodeVisitorSupport;
import org.codehaus.groovy.ast.ModuleNode;
import org.codehaus.groovy.ast.expr.ConstantExpression;
import org.codehaus.groovy.ast.expr.Expression;
import org.codehaus.groovy.ast.expr.ListExpression;
import org.codehaus.groovy.ast.expr.MapEntryExpression;
import org.codehaus.groovy.ast.expr.MethodCallExpression;
import org.codehaus.groovy.ast.expr.NamedArgumentListExpression;
import org.codehaus.groovy.ast.expr.TupleExpression;
import org.codehaus.groovy.control.CompilationUnit;
import org.codehaus.groovy.control.CompilerConfiguration;
import org.codehaus.groovy.control.Phases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Jenkinsfile without Jenkins: parsed by the real Groovy compiler (valid Groovy), its triggers, parameters and
 * stages read from the AST and compared with schedules/, then "run" by a small declarative simulator
 * (src/test/resources/runner/jenkins/PipelineSim.groovy) whose kubechores `sh` steps execute in the real /bin/sh.
 */
class JenkinsfileTest {
    static final Path JENKINSFILE = Path.of("../Jenkinsfile");
    static final List<String> JOBS = List.of("downscale", "rightsize", "quotas", "certs", "promote");

    final List<JobSchedule> schedules = new ScheduleLoader().load(Path.of("../schedules"));

    static String text() throws IOException {
        return Files.readString(JENKINSFILE, StandardCharsets.UTF_8);
    }

    @Test
    void generatedTriggersMatchSchedules() throws IOException {
        if (Boolean.getBoolean("kubechores.updateJenkinsfile")) JenkinsTriggers.update(JENKINSFILE, schedules);
        String text = text();
        assertThat(text).as("Jenkinsfile triggers drifted from schedules/: re-generate them "
                        + "(this test with -Dkubechores.updateJenkinsfile=true)")
                .isEqualTo(JenkinsTriggers.update(text, schedules));
    }

    @Test
    void theAstDeclaresParametersAndCronTriggersConsistentWithSchedules() throws IOException {
        List<MethodCallExpression> calls = ast;
        Map<String, Map<String, Object>> params = new LinkedHashMap<>();
        for (MethodCallExpression c : calls) {
            if (List.of("choice", "booleanParam", "string").contains(c.getMethodAsString())) {
                Map<String, Object> named = namedArgs(c);
                if (named.containsKey("name")) params.put((String) named.get("name"), named);
            }
        }
        assertThat(params).containsOnlyKeys("JOB", "DRY_RUN", "CLUSTERS", "REF");
        List<String> choices = new ArrayList<>();
        choices.add("none");
        choices.addAll(JOBS);
        assertThat(params.get("JOB").get("choices")).isEqualTo(choices);
        assertThat(params.get("DRY_RUN").get("defaultValue")).isEqualTo(true);

        List<String> specs = calls.stream().filter(c -> c.getMethodAsString().equals("parameterizedCron"))
                .map(c -> (String) ((ConstantExpression) ((TupleExpression) c.getArguments()).getExpression(0)).getValue())
                .toList();
        assertThat(specs).hasSize(1);
        List<String> lines = specs.getFirst().lines().map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        List<JobSchedule> enabled = schedules.stream().filter(JobSchedule::enabled).toList();
        assertThat(lines.getFirst()).isEqualTo("TZ=" + enabled.getFirst().timeZone().getId());
        List<String> entries = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String cron = line.substring(0, line.indexOf('%')).trim();
            CronSchedule.parse(cron); // every line is valid 5-field cron
            Map<String, String> p = new LinkedHashMap<>();
            for (String kv : line.substring(line.indexOf('%') + 1).split(";")) {
                p.put(kv.substring(0, kv.indexOf('=')).trim(), kv.substring(kv.indexOf('=') + 1).trim());
            }
            assertThat(p).containsOnlyKeys("JOB", "DRY_RUN", "CLUSTERS", "REF");
            assertThat(JOBS).contains(p.get("JOB"));
            entries.add(cron + " " + p);
        }
        assertThat(entries).containsExactlyInAnyOrderElementsOf(enabled.stream().map(s -> s.cron() + " {JOB=" + s.job()
                + ", DRY_RUN=" + s.args().dryRun() + ", CLUSTERS=" + String.join(",", s.args().clusters())
                + ", REF=" + (s.args().ref() == null ? "" : s.args().ref()) + "}").toList());
    }

    @Test
    void schedulesInTwoTimeZonesCannotBecomeJenkinsTriggers() {
        JobSchedule berlin = schedules.stream().filter(JobSchedule::enabled).findFirst().orElseThrow();
        JobSchedule utc = new JobSchedule("utc-one", "certs", "", "0 5 * * *", java.time.ZoneId.of("Etc/UTC"),
                JobSchedule.Args.DEFAULT, true, "Forbid", berlin.location());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> JenkinsTriggers.block(List.of(berlin, utc)))
                .hasMessageContaining("one time zone per pipeline").hasMessageContaining("[Etc/UTC, Europe/Berlin]");
        JobSchedule disabledUtc = new JobSchedule("utc-one", "certs", "", "0 5 * * *", java.time.ZoneId.of("Etc/UTC"),
                JobSchedule.Args.DEFAULT, false, "Forbid", berlin.location());
        assertThat(JenkinsTriggers.block(List.of(berlin, disabledUtc))).doesNotContain("utc-one");
    }

    @Test
    void stagesCoverBuildRunAndStagingToProdPromotion() throws IOException {
        List<String> stages = ast.stream().filter(c -> c.getMethodAsString().equals("stage"))
                .map(c -> (String) ((ConstantExpression) ((TupleExpression) c.getArguments()).getExpression(0)).getValue())
                .toList();
        assertThat(stages).containsExactly("Build and test", "Image", "Package", "Run job", "Promote: plan", "Promote: staging",
                "Approve prod", "Promote: prod");
    }

    @Test
    void aPushBuildsAndTestsOnly(@TempDir Path work) throws Exception {
        List<String> log = simulate(work, params("none", true, "", ""), "user", 0, Map.of("BRANCH_NAME", "feature/x"));
        assertThat(log).containsExactly("run Build and test", "sh ./mvnw -B verify", "skip Image", "skip Package",
                "skip Run job", "skip Promote: plan", "skip Promote: staging", "skip Approve prod", "skip Promote: prod");
    }

    @Test
    void aPushToMainAlsoBuildsAndPushesTheImageWithJibAfterTheTests(@TempDir Path work) throws Exception {
        List<String> log = simulate(work, params("none", true, "", ""), "user", 0, Map.of("BRANCH_NAME", "main"));
        assertThat(log).containsExactly("run Build and test", "sh ./mvnw -B verify", "run Image",
                "sh ./mvnw -B -pl jobs -am -DskipTests package jib:build "
                        + "-Dimage=\"${KUBECHORES_IMAGE:-ghcr.io/kubechores/kubechores}:${GIT_COMMIT}\"",
                "skip Package", "skip Run job", "skip Promote: plan", "skip Promote: staging", "skip Approve prod",
                "skip Promote: prod");
        // a job run on main (scheduled or by hand) does not rebuild the image
        assertThat(simulate(work, params("certs", true, "", ""), "timer", 0, Map.of("BRANCH_NAME", "main")))
                .contains("skip Image");
    }

    @Test
    void theImageTagIsExpandedByTheShellFromTheEnvironment(@TempDir Path dir) throws Exception {
        // what `sh` runs for the Image stage, in a real /bin/sh with a fake mvnw that prints its arguments
        String command = ast.stream().filter(c -> c.getMethodAsString().equals("sh"))
                .map(c -> ((TupleExpression) c.getArguments()).getExpression(0))
                .filter(e -> e instanceof ConstantExpression k && k.getValue() instanceof String)
                .map(e -> (String) ((ConstantExpression) e).getValue())
                .filter(t -> t.contains("jib:build")).findFirst().orElseThrow();
        Path mvnw = dir.resolve("mvnw");
        Files.writeString(mvnw, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n");
        mvnw.toFile().setExecutable(true);
        for (Map.Entry<String, String> e : Map.of("", "ghcr.io/kubechores/kubechores:abc123",
                "registry.acme.example/platform/kubechores", "registry.acme.example/platform/kubechores:abc123").entrySet()) {
            ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command).directory(dir.toFile());
            pb.environment().put("GIT_COMMIT", "abc123");
            if (e.getKey().isEmpty()) pb.environment().remove("KUBECHORES_IMAGE");
            else pb.environment().put("KUBECHORES_IMAGE", e.getKey());
            Process p = pb.start();
            List<String> args = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            assertThat(p.waitFor()).isZero();
            assertThat(args).containsExactly("-B", "-pl", "jobs", "-am", "-DskipTests", "package", "jib:build",
                    "-Dimage=" + e.getValue());
        }
    }

    @Test
    void aParameterizedRunPassesDryRunRefAndClustersAsArguments(@TempDir Path work) throws Exception {
        List<String> log = simulate(work, params("certs", true, "prod-eu-1,prod-us-1", "release"), "user", 0, Map.of());
        assertThat(log).containsExactly("skip Build and test", "skip Image", "run Package", "sh ./mvnw -B -DskipTests package",
                "run Run job",
                "kubechores plan certs --repo https://git.example.com/platform/fleet.git --ref release --cluster prod-eu-1 --cluster prod-us-1 -> 0",
                "skip Promote: plan", "skip Promote: staging", "skip Approve prod", "skip Promote: prod");
    }

    @Test
    void parameterValuesAreNeverInterpretedByTheShell(@TempDir Path work) throws Exception {
        List<String> log = simulate(work, params("downscale", false, "a;touch pwned,*,$(id)", ""), "timer", 0, Map.of());
        assertThat(log).contains("kubechores run downscale --repo https://git.example.com/platform/fleet.git "
                + "--cluster a;touch --cluster pwned --cluster * --cluster $(id) -> 0");
        assertThat(work.resolve("pwned")).doesNotExist();
    }

    @Test
    void aManualPromotionGoesStagingThenApprovalThenProd(@TempDir Path work) throws Exception {
        List<String> log = simulate(work, params("promote", false, "", ""), "user", 0, Map.of());
        assertThat(log).containsSubsequence(
                "run Promote: plan", "kubechores plan promote --repo https://git.example.com/platform/fleet.git -> 0",
                "run Promote: staging",
                "kubechores run promote --repo https://git.example.com/platform/fleet.git --cluster staging-eu-1 --cluster staging-us-1 -> 0",
                "input Staging is promoted. Promote prod? (submitter platform-leads)", "run Approve prod",
                "run Promote: prod",
                "kubechores run promote --repo https://git.example.com/platform/fleet.git --cluster prod-eu-1 --cluster prod-us-1 -> 0");
    }

    @Test
    void aScheduledPromotionIsGatedByStagingNotByAPerson(@TempDir Path work) throws Exception {
        List<String> ok = simulate(work, params("promote", false, "", ""), "timer", 0,
                Map.of("KUBECHORES_PROD_CLUSTERS", "prod-eu-1"));
        assertThat(ok).contains("skip Approve prod", "run Promote: prod",
                "kubechores run promote --repo https://git.example.com/platform/fleet.git --cluster prod-eu-1 -> 0");
        assertThat(ok).noneMatch(l -> l.startsWith("input"));

        List<String> partial = simulate(work, params("promote", false, "", ""), "user", 3, Map.of());
        assertThat(partial).containsSubsequence("run Promote: staging", "unstable: kubechores run promote: some clusters failed (exit 3)",
                "skip Approve prod", "skip Promote: prod");
    }

    @Test
    void aPlanOfPromoteStopsAfterThePlan(@TempDir Path work) throws Exception {
        List<String> log = simulate(work, params("promote", true, "", ""), "user", 0, Map.of());
        assertThat(log).containsSubsequence("run Promote: plan", "skip Promote: staging", "skip Approve prod", "skip Promote: prod");
    }

    // ---- helpers ----

    static Map<String, Object> params(String job, boolean dryRun, String clusters, String ref) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("JOB", job);
        p.put("DRY_RUN", dryRun);
        p.put("CLUSTERS", clusters);
        p.put("REF", ref);
        return p;
    }

    /** The simulator and the Jenkinsfile script class, compiled once for all scenarios. */
    static GroovyClassLoader gcl;
    static Class<? extends Script> jenkinsfileClass;
    static List<MethodCallExpression> ast;

    @BeforeAll
    static void compileOnce() throws IOException {
        ast = calls(text());
        gcl = new GroovyClassLoader(JenkinsfileTest.class.getClassLoader());
        gcl.parseClass(Files.readString(Path.of("src/test/resources/runner/jenkins/PipelineSim.groovy")), "PipelineSim.groovy");
        CompilerConfiguration cc = new CompilerConfiguration();
        cc.setScriptBaseClass("JenkinsScript");
        jenkinsfileClass = new GroovyShell(gcl, new Binding(), cc).parse(text(), "Jenkinsfile").getClass();
    }

    @AfterAll
    static void close() throws IOException {
        gcl.close();
    }

    @SuppressWarnings("unchecked")
    static List<String> simulate(Path work, Map<String, Object> params, String cause, int javaExit,
                                 Map<String, String> extraEnv) throws Exception {
        Script script = jenkinsfileClass.getDeclaredConstructor().newInstance();
        script.setBinding(new Binding());
        script.run();
        GroovyObject s = (GroovyObject) gcl.loadClass("Sim").getDeclaredConstructor().newInstance();
        s.setProperty("params", params);
        s.setProperty("cause", cause);
        s.setProperty("javaExit", javaExit);
        Map<String, String> env = new LinkedHashMap<>(extraEnv);
        env.put("KUBECHORES_REPO", "https://git.example.com/platform/fleet.git");
        s.setProperty("env", env);
        s.setProperty("workDir", Files.createDirectories(work.resolve(cause + javaExit)).toFile());
        return (List<String>) s.invokeMethod("run", script);
    }

    static List<MethodCallExpression> calls(String groovy) {
        CompilationUnit unit = new CompilationUnit(new CompilerConfiguration());
        unit.addSource("Jenkinsfile", groovy);
        unit.compile(Phases.CONVERSION); // throws on any syntax error
        ModuleNode module = unit.getAST().getModules().getFirst();
        List<MethodCallExpression> out = new ArrayList<>();
        CodeVisitorSupport v = new CodeVisitorSupport() {
            @Override
            public void visitMethodCallExpression(MethodCallExpression call) {
                out.add(call);
                super.visitMethodCallExpression(call);
            }
        };
        module.getStatementBlock().visit(v);
        module.getMethods().forEach(m -> m.getCode().visit(v));
        return out;
    }

    static Map<String, Object> namedArgs(MethodCallExpression c) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (!(c.getArguments() instanceof TupleExpression t)) return out;
        for (Expression e : t.getExpressions()) {
            if (!(e instanceof NamedArgumentListExpression n)) continue;
            for (MapEntryExpression me : n.getMapEntryExpressions()) out.put(me.getKeyExpression().getText(), value(me.getValueExpression()));
        }
        return out;
    }

    static Object value(ASTNode e) {
        if (e instanceof ConstantExpression c) return c.getValue();
        if (e instanceof ListExpression l) return l.getExpressions().stream().map(JenkinsfileTest::value).collect(Collectors.toList());
        return e.getText();
    }
}
