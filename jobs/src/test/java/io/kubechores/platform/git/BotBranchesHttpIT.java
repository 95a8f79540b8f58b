package io.kubechores.platform.git;

import io.kubechores.desiredstate.FleetSpec;
import io.kubechores.desiredstate.SecretSource;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.http.server.GitServlet;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.ReceivePack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * BotBranches over git's smart-HTTP protocol: JGit's GitServlet in an embedded Tomcat on loopback, behind Basic auth
 * that accepts only the forge token (as GitHub does with user "x-access-token").
 */
class BotBranchesHttpIT {

    static final String TOKEN = "ghp_http_token_456";
    static final String BRANCH = "kubechores/promote/loki-prod";
    static final String FILE = "apps/shop/values.yaml";
    static final Instant RUN = Instant.parse("2026-11-24T13:00:00Z");

    @TempDir
    Path tmp;
    TestRemote remote;
    Tomcat tomcat;
    String url;
    final AtomicInteger receivePackPosts = new AtomicInteger();
    final AtomicInteger unauthorized = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        remote = TestRemote.create(tmp.resolve("git"));
        GitServlet git = new GitServlet();
        git.setRepositoryResolver((req, name) -> {
            if (!name.equals("fleet.git")) {
                throw new RepositoryNotFoundException(name);
            }
            try {
                return new FileRepositoryBuilder().setGitDir(remote.bareDir().toFile()).setMustExist(true).build();
            } catch (java.io.IOException e) {
                throw new RepositoryNotFoundException(name, e);
            }
        });
        git.setReceivePackFactory((req, db) -> new ReceivePack(db));

        tomcat = new Tomcat();
        tomcat.setBaseDir(tmp.resolve("tomcat").toString());
        tomcat.setHostname("127.0.0.1");
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        Context ctx = tomcat.addContext("", tmp.toString());
        Tomcat.addServlet(ctx, "git", git);
        ctx.addServletMappingDecoded("/git/*", "git");
        String expected = "Basic " + Base64.getEncoder()
                .encodeToString(("x-access-token:" + TOKEN).getBytes(StandardCharsets.UTF_8));
        Filter auth = (request, response, chain) -> {
            HttpServletRequest req = (HttpServletRequest) request;
            if (!expected.equals(req.getHeader("Authorization"))) {
                unauthorized.incrementAndGet();
                HttpServletResponse resp = (HttpServletResponse) response;
                resp.setHeader("WWW-Authenticate", "Basic realm=\"git\"");
                resp.sendError(401);
                return;
            }
            if ("POST".equals(req.getMethod()) && req.getRequestURI().endsWith("/git-receive-pack")) {
                receivePackPosts.incrementAndGet();
            }
            chain.doFilter(request, response);
        };
        FilterDef def = new FilterDef();
        def.setFilterName("auth");
        def.setFilter(auth);
        ctx.addFilterDef(def);
        FilterMap map = new FilterMap();
        map.setFilterName("auth");
        map.addURLPattern("/*");
        ctx.addFilterMap(map);
        tomcat.start();
        url = "http://127.0.0.1:" + tomcat.getConnector().getLocalPort() + "/git/fleet.git";
    }

    @AfterEach
    void stop() throws Exception {
        tomcat.stop();
        tomcat.destroy();
    }

    BotBranches branches(SecretSource secrets) {
        return new BotBranches(url, tmp.resolve("cache"),
                GitCredentials.forRemote(url, "github", "GITHUB_TOKEN", secrets),
                new FleetSpec.GitAuthor("kubechores-bot", "bot@acme.example"), Clock.fixed(RUN, ZoneId.of("UTC")));
    }

    @Test
    void pushesOverSmartHttpWithTheTokenAndOnlyOnceForIdenticalContent() {
        String changed = TestRemote.seed(FILE).replace("tag: \"1.4.2\"", "tag: \"1.5.0\"");
        SecretSource secrets = SecretSource.of(Map.of("GITHUB_TOKEN", TOKEN));

        BotBranches.BranchResult first = branches(secrets).upsert(BRANCH, "main", Map.of(FILE, changed), "promote");
        BotBranches.BranchResult second = branches(secrets).upsert(BRANCH, "main", Map.of(FILE, changed), "promote");

        assertThat(first.outcome()).isEqualTo(BotBranches.Outcome.CREATED);
        assertThat(second.outcome()).isEqualTo(BotBranches.Outcome.UNCHANGED);
        assertThat(remote.head(BRANCH)).isEqualTo(first.headSha());
        assertThat(receivePackPosts.get()).as("exactly one push reached the server").isEqualTo(1);
        assertThat(BotBranchesIT.lineEdits(remote.read("main", FILE), remote.read(BRANCH, FILE)))
                .hasSize(1).allSatisfy(e -> assertThat(e.getBeginA()).isEqualTo(2));
    }

    @Test
    void manyBranchesGoOutInOnePush() {
        SecretSource secrets = SecretSource.of(Map.of("GITHUB_TOKEN", TOKEN));
        java.util.List<BotBranches.Change> changes = java.util.stream.IntStream.range(0, 5)
                .mapToObj(i -> new BotBranches.Change("kubechores/rightsize/team-" + i,
                        Map.of(FILE, TestRemote.seed(FILE).replace("cpu: 500m", "cpu: " + (100 + i) + "m")), "m" + i))
                .toList();

        java.util.List<BotBranches.BranchResult> first = branches(secrets).upsertAll("main", changes);
        java.util.List<BotBranches.BranchResult> second = branches(secrets).upsertAll("main", changes);

        assertThat(first).extracting(BotBranches.BranchResult::outcome).containsOnly(BotBranches.Outcome.CREATED);
        assertThat(second).extracting(BotBranches.BranchResult::outcome).containsOnly(BotBranches.Outcome.UNCHANGED);
        assertThat(receivePackPosts.get()).as("one push for five branches, none for the repeat").isEqualTo(1);
        for (int i = 0; i < 5; i++) {
            assertThat(remote.head("kubechores/rightsize/team-" + i)).isEqualTo(first.get(i).headSha());
            assertThat(remote.read("kubechores/rightsize/team-" + i, FILE)).contains("cpu: " + (100 + i) + "m");
        }
    }

    @Test
    void withoutTheTokenTheServerRefusesAndTheErrorCarriesNoSecret() {
        assertThatThrownBy(() -> branches(SecretSource.of(Map.of())).upsert(BRANCH, "main", Map.of(FILE, "x"), "m"))
                .hasMessageContaining("fetch from " + url)
                .hasMessageNotContaining(TOKEN);
        assertThatThrownBy(() -> branches(SecretSource.of(Map.of("GITHUB_TOKEN", "wrong-token")))
                .upsert(BRANCH, "main", Map.of(FILE, "x"), "m"))
                .hasMessageNotContaining("wrong-token");
        assertThat(unauthorized.get()).isPositive();
        assertThat(remote.head(BRANCH)).isNull();
    }
}
