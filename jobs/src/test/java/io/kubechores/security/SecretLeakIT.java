package io.kubechores.security;

import com.sun.net.httpserver.HttpServer;
import io.kubechores.cli.Main;
import io.kubechores.core.ChoreRunner;
import io.kubechores.platform.notify.HttpNotifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The secret-leak sweep (issue 23): every kind of secret (Slack webhook URL read from an env value ending in a
 * newline, as {@code kubectl create secret --from-file} leaves it; a cluster bearer token; basic-auth userinfo in a
 * URL) goes through the failure paths (invalid URL, 401/500 answers whose bodies echo what they received, refused
 * connections), and stdout, stderr, every file under the home folder (reports, audit trail, the H2 job history)
 * are grepped for them.
 */
class SecretLeakIT {
    static final String SLACK_PART = "slackLeakSecret42";
    static final String TOKEN = "clustertoken-Leak-0123456789";
    static final String BASIC_PASS = "pgLeakPass99";
    static final List<String> SECRETS = List.of(SLACK_PART, "T0LEAK/B0LEAK", TOKEN, BASIC_PASS);

    @TempDir Path tmp;
    final Map<String, Integer> seen = new ConcurrentHashMap<>();

    /** Answers every request with an error whose body quotes the request: URL, Authorization header. */
    HttpServer echoingServer() throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.createContext("/", ex -> {
            String auth = String.valueOf(ex.getRequestHeaders().getFirst("Authorization"));
            String what = ex.getRequestMethod() + " " + ex.getRequestURI() + " auth=" + auth;
            seen.merge(ex.getRequestURI().getPath().startsWith("/services/") ? "slack"
                    : ex.getRequestURI().getPath().startsWith("/metrics/") ? "pushgateway" : "kube", 1, Integer::sum);
            if (auth.contains(TOKEN)) seen.merge("token-sent", 1, Integer::sum);
            byte[] body = ("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"rejected "
                    + what.replace("\"", "'") + "\",\"reason\":\"Unauthorized\",\"code\":401}").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(ex.getRequestURI().getPath().startsWith("/api") ? 401 : 500, body.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
        });
        s.start();
        return s;
    }

    @Test
    void noSecretReachesOutputReportsAuditOrHistory() throws Exception {
        HttpServer server = echoingServer();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            Path repo = copyExample(tmp.resolve("repo"), base);
            Path home = tmp.resolve("home");
            Map<String, String> env = Map.of(
                    "KUBECHORES_SLACK_WEBHOOK", base + "/services/T0LEAK/B0LEAK/" + SLACK_PART + "\n",
                    "CLUSTER_TOKEN", TOKEN + "\n");
            StringBuilder out = new StringBuilder();
            for (String job : List.of("downscale", "certs")) {
                out.append(runCli(env, "run", job, "--repo", repo.toString(), "--home", home.toString()));
            }
            assertThat(seen).as("the secrets were really used: clusters got the token").containsKey("token-sent");
            assertNoSecret("CLI stdout/stderr", out.toString());

            // --log-format json: Spring Boot's structured (logstash) encoder, not the text pattern's scrubbing
            // converters; every value of every line must be masked the same way (ScrubbingJsonMembers)
            StringBuilder json = new StringBuilder();
            for (String job : List.of("downscale", "certs")) {
                json.append(runCli(env, "run", job, "--repo", repo.toString(), "--home", home.toString(),
                        "--log-format", "json"));
            }
            List<String> jsonLines = json.toString().lines()
                    .filter(l -> l.startsWith("{") && l.contains("\"@timestamp\"")).toList();
            assertThat(jsonLines).as("JSON log lines were written").hasSizeGreaterThan(2);
            assertThat(jsonLines).as("the failure lines are there, masked")
                    .anySatisfy(l -> assertThat(l).contains("FAILED").contains("***"));
            assertNoSecret("CLI stdout/stderr with --log-format json", json.toString());
            try (Stream<Path> files = Files.walk(home)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    // the H2 job history is a binary file whose strings are stored as UTF-8
                    assertNoSecret(home.relativize(f).toString(), new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
                }
            }

            // the notifier's own failure paths, in-process: every message a caller can log or render
            List<String> messages = new ArrayList<>();
            for (String webhook : List.of(base + "/services/T0LEAK/B0LEAK/" + SLACK_PART + "\n",
                    base + "/services/T0LEAK/B0LEAK/" + SLACK_PART + " bad{char}",
                    "http://127.0.0.1:1/services/T0LEAK/B0LEAK/" + SLACK_PART)) {
                HttpNotifier n = new HttpNotifier(webhook, "#c", "http://pg:" + BASIC_PASS + "@127.0.0.1:"
                        + server.getAddress().getPort(), Duration.ofSeconds(5));
                try {
                    n.slack("hello");
                } catch (RuntimeException e) {
                    messages.add(ChoreRunner.describe(e));
                }
                try {
                    n.pushMetrics("job", "x 1\n");
                } catch (RuntimeException e) {
                    messages.add(ChoreRunner.describe(e));
                }
            }
            assertThat(messages).hasSizeGreaterThanOrEqualTo(5);
            for (String m : messages) assertNoSecret("notifier failure", m);
        } finally {
            server.stop(0);
        }
    }

    static void assertNoSecret(String where, String text) {
        for (String s : SECRETS) {
            assertThat(text).as("%s must not contain a secret", where).doesNotContain(s);
        }
    }

    /** The jar's entry point in its own JVM, with the secrets in its environment. Returns stdout + stderr. */
    static String runCli(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isIn(0, 3);
        return out;
    }

    /** The example fleet, every cluster reached at the echoing server with a bearer token from CLUSTER_TOKEN. */
    static Path copyExample(Path to, String base) throws IOException {
        Path from = Path.of("../repo-layout/example");
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
        try (Stream<Path> s = Files.list(to.resolve("clusters"))) {
            for (Path c : s.toList()) {
                String y = Files.readString(c).replaceAll("kubeconfigContext: [^\\n]+",
                        "apiUrl: " + base + "\n    tokenEnv: CLUSTER_TOKEN");
                Files.writeString(c, y);
            }
        }
        Path fleet = to.resolve("fleet.yaml");
        Files.writeString(fleet, Files.readString(fleet).replace("    slackChannel: \"#platform-alerts\"",
                "    slackChannel: \"#platform-alerts\"\n    pushgatewayUrl: http://pg:" + BASIC_PASS + "@"
                        + base.substring("http://".length())));
        return to;
    }
}
