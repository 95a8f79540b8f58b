package io.kubechores.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.DesiredStateLoader;
import io.kubechores.desiredstate.InvalidDesiredStateException;
import io.kubechores.desiredstate.Problem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * kubechores init: a minimal desired-state repo for one's own clusters: fleet.yaml plus clusters/NAME.yaml for each
 * kubeconfig context (or the --context ones), with editor schema wiring (.schemas/ copied from the jar,
 * .vscode/settings.json and a yaml-language-server modeline per file), then validated as `validate` would.
 * Reads the kubeconfig files of $KUBECONFIG (colon-separated; the first file naming a context wins, as kubectl merges
 * them) or ~/.kube/config; never copies credentials out of them: only context names, cluster ARNs and servers.
 */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Write a minimal desired-state repo (fleet.yaml, one Cluster per kubeconfig context, editor schemas) and validate it.",
        footer = {"", "Examples:", "  kubechores init --out ./fleet",
                "  kubechores init --out ./fleet --context prod-eu-1 --context staging-eu-1 --eks",
                "  kubechores init --kubeconfig ~/.kube/work.yaml --out ./fleet --fleet acme"})
public class InitCommand implements Callable<Integer> {
    @Option(names = "--out", paramLabel = "FOLDER", defaultValue = ".", description = "Where to write the repo (default: the current folder).")
    Path out;

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "Kubeconfig to read (default: $KUBECONFIG, else ~/.kube/config).")
    Path kubeconfig;

    @Option(names = "--context", paramLabel = "NAME", split = ",", description = "Only these contexts (repeatable; default: all).")
    List<String> contexts = List.of();

    @Option(names = "--fleet", paramLabel = "NAME", defaultValue = "fleet", description = "The Fleet's name (default fleet).")
    String fleet;

    @Option(names = "--eks", description = "For contexts of EKS clusters (aws eks update-kubeconfig names them by ARN): connect with "
            + "connection.eks (DescribeCluster + token, for a central runner) instead of the kubeconfig context.")
    boolean eks;

    @Option(names = "--force", description = "Overwrite files that exist.")
    boolean force;

    /** Environments in promotion order that a context name is taken to mean; anything else is dev. */
    static final List<String> KNOWN_ENVIRONMENTS = List.of("dev", "staging", "prod");
    /** arn:aws:eks:REGION:ACCOUNT:cluster/NAME, as `aws eks update-kubeconfig` names contexts and clusters. */
    static final Pattern EKS_ARN = Pattern.compile("^arn:aws[a-z-]*:eks:([a-z]{2}(?:-[a-z]+)+-\\d):(\\d{12}):cluster/([0-9A-Za-z][A-Za-z0-9\\-_]{0,99})$");

    static final List<String> SCHEMAS = List.of("common", "fleet", "cluster", "downscalepolicy", "rightsizepolicy",
            "quotapolicy", "certificatepolicy", "tool");
    /** VS Code yaml.schemas: schema → the folder the repo layout keeps that kind in (repo-layout/README.md). */
    static final Map<String, String> SCHEMA_GLOBS = new LinkedHashMap<>();

    static {
        SCHEMA_GLOBS.put("fleet", "fleet.yaml");
        SCHEMA_GLOBS.put("cluster", "clusters/**/*.yaml");
        SCHEMA_GLOBS.put("downscalepolicy", "downscaling/**/*.yaml");
        SCHEMA_GLOBS.put("rightsizepolicy", "rightsizing/**/*.yaml");
        SCHEMA_GLOBS.put("quotapolicy", "quotas/**/*.yaml");
        SCHEMA_GLOBS.put("certificatepolicy", "certificates/**/*.yaml");
        SCHEMA_GLOBS.put("tool", "tools/**/*.yaml");
    }

    record Context(String context, String name, String environment, String accountId, String region, String eksName) {}

    @Override
    public Integer call() {
        List<Path> files;
        try {
            files = kubeconfigFiles();
        } catch (IllegalArgumentException e) {
            System.err.println("init: " + e.getMessage());
            return 2;
        }
        Map<String, String> contextCluster = new LinkedHashMap<>();
        for (Path f : files) {
            try {
                readContexts(f, contextCluster);
            } catch (IOException | RuntimeException e) {
                System.err.println("init: " + f + ": not a readable kubeconfig (" + e.getClass().getSimpleName() + ")");
                return 2;
            }
        }
        List<String> chosen = new ArrayList<>(contexts.isEmpty() ? contextCluster.keySet() : contexts);
        for (String c : chosen) {
            if (!contextCluster.containsKey(c)) {
                System.err.println("init: --context " + c + ": no such context in " + files + " (has: " + contextCluster.keySet() + ")");
                return 2;
            }
        }
        if (chosen.isEmpty()) {
            System.err.println("init: no contexts in " + files + ": give --kubeconfig, or add a context (aws eks update-kubeconfig ...)");
            return 2;
        }
        List<Context> clusters = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (String c : chosen) {
            Context ctx = describe(c, contextCluster.get(c));
            if (!names.add(ctx.name())) {
                System.err.println("init: contexts " + chosen + " give the cluster name " + ctx.name() + " twice: pick them with --context");
                return 2;
            }
            clusters.add(ctx);
        }
        Map<String, String> toWrite = render(clusters);
        try {
            Files.createDirectories(out);
            List<String> existing = new ArrayList<>();
            for (String rel : toWrite.keySet()) if (Files.exists(out.resolve(rel), LinkOption.NOFOLLOW_LINKS)) existing.add(rel);
            if (!existing.isEmpty() && !force) {
                System.err.println("init: " + out + " already has " + existing + ": nothing written (use --force to overwrite)");
                return 2;
            }
            for (var e : toWrite.entrySet()) {
                Path p = out.resolve(e.getKey());
                Files.createDirectories(p.getParent());
                Files.writeString(p, e.getValue(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            System.err.println("init: cannot write " + out + ": " + e.getMessage());
            return 1;
        }
        System.out.println("wrote " + toWrite.size() + " files to " + out + ": fleet.yaml, " + clusters.size()
                + " cluster(s) (" + String.join(", ", names) + "), editor schemas");
        try {
            DesiredState s = new DesiredStateLoader(DesiredStateRules.all()).load(out, "init");
            System.out.printf("valid: fleet %s: %d clusters%n", s.fleet().name(), s.clusters().size());
            System.out.println("next: review the environments, then `kubechores validate --repo " + out + "` and `kubechores doctor --repo " + out + "`");
            return 0;
        } catch (InvalidDesiredStateException e) {
            System.err.println(e.problems().size() + " error(s):");
            for (Problem p : e.problems()) System.err.println("  " + p);
            return 2;
        }
    }

    List<Path> kubeconfigFiles() {
        if (kubeconfig != null) {
            if (!Files.isRegularFile(kubeconfig)) throw new IllegalArgumentException("--kubeconfig " + kubeconfig + ": no such file");
            return List.of(kubeconfig);
        }
        String env = System.getenv("KUBECONFIG");
        List<Path> out = new ArrayList<>();
        if (env != null && !env.isBlank()) {
            for (String p : env.split(File.pathSeparator)) if (!p.isBlank() && Files.isRegularFile(Path.of(p))) out.add(Path.of(p));
            if (out.isEmpty()) throw new IllegalArgumentException("$KUBECONFIG names no file that exists");
            return out;
        }
        Path home = Path.of(System.getProperty("user.home"), ".kube", "config");
        if (!Files.isRegularFile(home)) throw new IllegalArgumentException("no kubeconfig: ~/.kube/config does not exist (give --kubeconfig)");
        return List.of(home);
    }

    /** context name → its cluster entry's name (the first file naming a context wins, like kubectl's merge). */
    static void readContexts(Path file, Map<String, String> into) throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        if (root == null) return;
        for (JsonNode c : root.path("contexts")) {
            String name = c.path("name").asText("");
            if (!name.isEmpty()) into.putIfAbsent(name, c.at("/context/cluster").asText(""));
        }
    }

    /** A Cluster for a context: a DNS-1123 name, an environment guessed from the name, AWS placement from an EKS ARN. */
    Context describe(String context, String cluster) {
        Matcher arn = EKS_ARN.matcher(context);
        if (!arn.matches()) arn = EKS_ARN.matcher(cluster);
        String region = null, account = null, eksName = null, base = context;
        if (arn.matches()) {
            region = arn.group(1);
            account = arn.group(2);
            eksName = arn.group(3);
            base = eksName;
        }
        String name = dnsName(base);
        String env = "dev";
        for (String e : KNOWN_ENVIRONMENTS) {
            if (name.contains(e.equals("staging") ? "stag" : e)) env = e;
        }
        return new Context(context, name, env, account, region, eksName);
    }

    static String dnsName(String s) {
        String n = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("-+", "-").replaceAll("^-|-$", "");
        if (n.length() > 63) n = n.substring(0, 63).replaceAll("-$", "");
        return n.isEmpty() ? "cluster" : n;
    }

    Map<String, String> render(List<Context> clusters) {
        Map<String, String> files = new LinkedHashMap<>();
        List<String> envs = new ArrayList<>();
        for (String e : KNOWN_ENVIRONMENTS) if (clusters.stream().anyMatch(c -> c.environment().equals(e))) envs.add(e);
        files.put("fleet.yaml", """
                # yaml-language-server: $schema=.schemas/fleet.schema.json
                # Written by `kubechores init`. The fleet's defaults; paused: true stops every job from changing anything.
                apiVersion: kubechores.io/v1alpha1
                kind: Fleet
                metadata:
                  name: %s
                spec:
                  environments: [%s]   # promotion order
                  paused: false
                """.formatted(dnsName(fleet), String.join(", ", envs)));
        for (Context c : clusters) {
            StringBuilder sb = new StringBuilder("""
                    # yaml-language-server: $schema=../.schemas/cluster.schema.json
                    # Written by `kubechores init` from the kubeconfig context %s: check the environment.
                    apiVersion: kubechores.io/v1alpha1
                    kind: Cluster
                    metadata:
                      name: %s
                    spec:
                      environment: %s
                      connection:
                    """.formatted(jsonQuote(c.context()), c.name(), c.environment()));
            if (eks && c.eksName() != null) {
                sb.append("    eks: {name: ").append(c.eksName()).append(", region: ").append(c.region()).append("}\n");
            } else {
                sb.append("    kubeconfigContext: ").append(jsonQuote(c.context())).append('\n');
            }
            if (c.accountId() != null) {
                sb.append("  aws:\n    accountId: \"").append(c.accountId()).append("\"\n    region: ").append(c.region()).append('\n');
            }
            files.put("clusters/" + c.name() + ".yaml", sb.toString());
        }
        for (String s : SCHEMAS) files.put(".schemas/" + s + ".schema.json", schema(s));
        StringBuilder vs = new StringBuilder("{\n  \"yaml.schemas\": {\n");
        int i = 0;
        for (var e : SCHEMA_GLOBS.entrySet()) {
            vs.append("    \".schemas/").append(e.getKey()).append(".schema.json\": \"").append(e.getValue()).append('"')
                    .append(++i < SCHEMA_GLOBS.size() ? ",\n" : "\n");
        }
        vs.append("  }\n}\n");
        files.put(".vscode/settings.json", vs.toString());
        return files;
    }

    static String schema(String name) {
        try (InputStream in = InitCommand.class.getResourceAsStream("/schemas/" + name + ".schema.json")) {
            if (in == null) throw new IllegalStateException("schemas/" + name + ".schema.json missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A YAML double-quoted scalar (JSON string syntax). */
    static String jsonQuote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
