package io.kubechores.desiredstate;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.kubechores.desiredstate.RepoCheckout.Checkout;
import io.kubechores.desiredstate.RepoCheckout.RepoCheckoutException;
import io.kubechores.desiredstate.SecretSource;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.http.server.GitServlet;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.RefSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Checkout of the desired-state repo from real git remotes: a bare repo over file:// and the same repo served by
 * JGit's smart-HTTP GitServlet in an embedded Tomcat that demands a token (HTTP Basic).
 */
class RepoCheckoutIT {
    static final String TOKEN = "ghp_s3cretT0kenForTests";
    static final PersonIdent AUTHOR = new PersonIdent("Test", "test@example.com",
            Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path tmp;
    Path remote;
    Path author;
    Path cache;
    Git authorGit;

    @BeforeEach
    void remoteWithOneCommit() throws Exception {
        remote = tmp.resolve("remotes/fleet.git");
        Git.init().setBare(true).setDirectory(remote.toFile()).setInitialBranch("main").call().close();
        author = tmp.resolve("author");
        authorGit = Git.init().setDirectory(author.toFile()).setInitialBranch("main").call();
        authorGit.remoteAdd().setName("origin").setUri(new org.eclipse.jgit.transport.URIish(remote.toUri().toString())).call();
        cache = tmp.resolve("cache");
    }

    RevCommit commit(String file, String content) throws Exception {
        Path p = author.resolve(file);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        authorGit.add().addFilepattern(".").call();
        return authorGit.commit().setMessage("edit " + file).setAuthor(AUTHOR).setCommitter(AUTHOR).call();
    }

    void push(boolean force, String... refs) throws Exception {
        var push = authorGit.push().setRemote("origin").setForce(force);
        for (String r : refs) push.add(r);
        push.setPushTags().call();
    }

    String fileUrl() {
        return remote.toUri().toString();
    }

    @Nested
    class OverFileUrl {
        @Test
        void clonesTheDefaultBranchIntoTheCacheAndNamesTheCommit() throws Exception {
            RevCommit c1 = commit("fleet.yaml", "kind: Fleet # v1\n");
            push(false, "main");

            Checkout co = new RepoCheckout(cache, SecretSource.of(Map.of())).checkout(fileUrl(), null);

            assertThat(co.commit()).isEqualTo(c1.name());
            assertThat(co.workTree().getParent()).isEqualTo(cache);
            assertThat(co.workTree().resolve("fleet.yaml")).hasContent("kind: Fleet # v1");
            assertThat(co.source()).isEqualTo(fileUrl());
        }

        @Test
        void aLaterRunFetchesAndFollowsAForcePushedRemoteDiscardingLocalEdits() throws Exception {
            commit("fleet.yaml", "kind: Fleet # v1\n");
            push(false, "main");
            RepoCheckout checkout = new RepoCheckout(cache, SecretSource.of(Map.of()));
            Checkout first = checkout.checkout(fileUrl(), "main");
            // someone edits the cache by hand: the next run must not keep it
            Files.writeString(first.workTree().resolve("fleet.yaml"), "edited locally\n");
            Files.writeString(first.workTree().resolve("stray.yaml"), "stray\n");
            Path marker = Files.writeString(first.workTree().resolve(".git/marker"), "same clone"); // proves fetch, not re-clone

            // history rewritten: v1 replaced by an unrelated commit, force-pushed
            authorGit.checkout().setOrphan(true).setName("rewritten").call();
            RevCommit rewritten = commit("fleet.yaml", "kind: Fleet # rewritten\n");
            authorGit.push().setRemote("origin").setForce(true)
                    .setRefSpecs(new RefSpec("+refs/heads/rewritten:refs/heads/main")).call();

            Checkout second = checkout.checkout(fileUrl(), "main");

            assertThat(second.workTree()).isEqualTo(first.workTree());
            assertThat(second.commit()).isEqualTo(rewritten.name());
            assertThat(second.workTree().resolve("fleet.yaml")).hasContent("kind: Fleet # rewritten");
            assertThat(second.workTree().resolve("stray.yaml")).doesNotExist();
            assertThat(marker).exists();
        }

        @Test
        void checksOutABranchATagAndACommitId() throws Exception {
            RevCommit c1 = commit("fleet.yaml", "v1\n");
            authorGit.tag().setName("v1.0").setAnnotated(true).setMessage("release 1.0").setTagger(AUTHOR).call();
            RevCommit c2 = commit("fleet.yaml", "v2\n");
            authorGit.branchCreate().setName("release").setStartPoint(c1).call();
            RevCommit c3 = commit("fleet.yaml", "v3\n");
            push(false, "main", "release");
            RepoCheckout checkout = new RepoCheckout(cache, SecretSource.of(Map.of()));

            assertThat(checkout.checkout(fileUrl(), "v1.0").commit()).isEqualTo(c1.name());
            assertThat(checkout.checkout(fileUrl(), "refs/tags/v1.0").commit()).isEqualTo(c1.name());
            assertThat(checkout.checkout(fileUrl(), "release").commit()).isEqualTo(c1.name());
            assertThat(checkout.checkout(fileUrl(), "refs/heads/main").commit()).isEqualTo(c3.name());
            Checkout byId = checkout.checkout(fileUrl(), c2.name());
            assertThat(byId.commit()).isEqualTo(c2.name());
            assertThat(byId.workTree().resolve("fleet.yaml")).hasContent("v2");
            assertThat(checkout.checkout(fileUrl(), c2.name().substring(0, 8)).commit()).isEqualTo(c2.name());
            assertThat(checkout.checkout(fileUrl(), null).commit()).isEqualTo(c3.name());
            // a ref outside heads and tags, as forges publish pull requests
            authorGit.push().setRemote("origin").setRefSpecs(new RefSpec(c2.name() + ":refs/pull/7/head")).call();
            assertThat(checkout.checkout(fileUrl(), "refs/pull/7/head").commit()).isEqualTo(c2.name());
        }

        @Test
        void anUnknownRefIsAClearErrorNamingTheRefAndTheRemote() throws Exception {
            commit("fleet.yaml", "v1\n");
            authorGit.tag().setName("v1.0").call();
            push(false, "main");
            RepoCheckout checkout = new RepoCheckout(cache, SecretSource.of(Map.of()));

            assertThatThrownBy(() -> checkout.checkout(fileUrl(), "prod"))
                    .isInstanceOf(RepoCheckoutException.class)
                    .hasMessage("unknown ref 'prod' in " + fileUrl()
                            + ": no branch, tag or commit of that name (branches: main; tags: v1.0)");
            assertThatThrownBy(() -> checkout.checkout(fileUrl(), "0123456789abcdef0123456789abcdef01234567"))
                    .hasMessageStartingWith("unknown ref '0123456789abcdef0123456789abcdef01234567' in " + fileUrl());
            assertThatThrownBy(() -> checkout.checkout(fileUrl(), "refs/pull/1/head"))
                    .hasMessageStartingWith("unknown ref 'refs/pull/1/head' in " + fileUrl());
        }

        @Test
        void aBranchDeletedOnTheRemoteIsGoneOnTheNextRun() throws Exception {
            commit("fleet.yaml", "v1\n");
            authorGit.branchCreate().setName("feature").call();
            push(false, "main", "feature");
            RepoCheckout checkout = new RepoCheckout(cache, SecretSource.of(Map.of()));
            checkout.checkout(fileUrl(), "feature");

            authorGit.push().setRemote("origin").setRefSpecs(new RefSpec(":refs/heads/feature")).call();

            assertThatThrownBy(() -> checkout.checkout(fileUrl(), "feature"))
                    .hasMessageContaining("unknown ref 'feature'").hasMessageContaining("branches: main;");
        }

        @Test
        void aMissingRemoteIsAClearError() {
            String url = tmp.resolve("nothing-here.git").toUri().toString();
            assertThatThrownBy(() -> new RepoCheckout(cache, SecretSource.of(Map.of())).checkout(url, null))
                    .isInstanceOf(RepoCheckoutException.class)
                    .hasMessageStartingWith("cannot read the desired-state repo " + url);
        }
    }

    @Nested
    class FromAFolder {
        @Test
        void aPlainFolderIsUsedInPlaceAsWorkingTree() throws IOException {
            Path plain = Files.createDirectories(tmp.resolve("plain"));
            Checkout co = new RepoCheckout(cache, SecretSource.of(Map.of())).checkout(plain.toString(), null);
            assertThat(co.workTree()).isEqualTo(plain.toAbsolutePath());
            assertThat(co.commit()).isEqualTo(RepoCheckout.WORKING_TREE);
            assertThat(cache).doesNotExist();
        }

        @Test
        void aFolderInsideAGitWorkTreeNamesItsHeadCommit() throws Exception {
            RevCommit c1 = commit("fleet/fleet.yaml", "v1\n");
            Checkout co = new RepoCheckout(cache, SecretSource.of(Map.of()))
                    .checkout(author.resolve("fleet").toString(), null);
            assertThat(co.workTree()).isEqualTo(author.resolve("fleet"));
            assertThat(co.commit()).isEqualTo(c1.name());
        }

        @Test
        void aRefOfALocalRepoIsCheckedOutIntoTheCache() throws Exception {
            RevCommit c1 = commit("fleet.yaml", "v1\n");
            authorGit.tag().setName("v1").call();
            commit("fleet.yaml", "v2\n");
            Checkout co = new RepoCheckout(cache, SecretSource.of(Map.of())).checkout(author.toString(), "v1");
            assertThat(co.commit()).isEqualTo(c1.name());
            assertThat(co.workTree().resolve("fleet.yaml")).hasContent("v1");
            assertThat(author.resolve("fleet.yaml")).hasContent("v2");
        }

        @Test
        void aRefOfASubFolderOfALocalRepoKeepsTheSubFolder() throws Exception {
            RevCommit c1 = commit("repo-layout/example/fleet.yaml", "v1\n");
            authorGit.tag().setName("v1").call();
            commit("repo-layout/example/fleet.yaml", "v2\n");
            RepoCheckout checkout = new RepoCheckout(cache, SecretSource.of(Map.of()));

            Checkout co = checkout.checkout(author.resolve("repo-layout/example").toString(), "v1");
            assertThat(co.commit()).isEqualTo(c1.name());
            assertThat(co.workTree().resolve("fleet.yaml")).hasContent("v1");
            assertThat(co.workTree().getFileName().toString()).isEqualTo("example");
        }

        @Test
        void neitherAFolderNorAUrlIsAClearError() {
            assertThatThrownBy(() -> new RepoCheckout(cache, SecretSource.of(Map.of())).checkout("no/such/folder", null))
                    .hasMessage("'no/such/folder' is neither a folder nor a git URL "
                            + "(https://..., ssh://..., git@host:path or file://...)");
        }
    }

    @Nested
    class OverSmartHttp {
        static final Map<String, Path> SERVED = new java.util.concurrent.ConcurrentHashMap<>();
        static Tomcat tomcat;
        static String base;

        @BeforeAll
        static void startGitServer(@TempDir Path dir) throws Exception {
            GitServlet git = new GitServlet();
            git.setRepositoryResolver((req, name) -> {
                Path repo = SERVED.get(name);
                if (repo == null) throw new RepositoryNotFoundException(name);
                try {
                    return new FileRepositoryBuilder().setGitDir(repo.toFile()).setMustExist(true).build();
                } catch (IOException e) {
                    throw new RepositoryNotFoundException(name, e);
                }
            });
            tomcat = new Tomcat();
            tomcat.setBaseDir(dir.resolve("tomcat").toString());
            tomcat.setPort(0);
            tomcat.getConnector();
            Context ctx = tomcat.addContext("", null);
            Tomcat.addServlet(ctx, "git", git);
            ctx.addServletMappingDecoded("/git/*", "git");
            FilterDef auth = new FilterDef();
            auth.setFilterName("token");
            auth.setFilter(new RequireToken());
            ctx.addFilterDef(auth);
            FilterMap map = new FilterMap();
            map.setFilterName("token");
            map.addURLPattern("/*");
            ctx.addFilterMap(map);
            tomcat.start();
            base = "http://127.0.0.1:" + tomcat.getConnector().getLocalPort() + "/git/";
        }

        @AfterAll
        static void stopGitServer() throws Exception {
            tomcat.stop();
            tomcat.destroy();
        }

        /** Like a forge: every request needs HTTP Basic with the token as password (any user name). */
        static final class RequireToken implements Filter {
            @Override
            public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
                    throws IOException, ServletException {
                String header = ((HttpServletRequest) req).getHeader("Authorization");
                if (header != null && header.startsWith("Basic ")) {
                    String userPass = new String(Base64.getDecoder().decode(header.substring(6)), StandardCharsets.UTF_8);
                    if (userPass.endsWith(":" + TOKEN)) {
                        chain.doFilter(req, res);
                        return;
                    }
                }
                HttpServletResponse r = (HttpServletResponse) res;
                r.setHeader("WWW-Authenticate", "Basic realm=\"git\"");
                r.sendError(401);
            }
        }

        String name;
        String url;

        @BeforeEach
        void serveTheRemote() throws IOException {
            name = "fleet-" + System.nanoTime() + ".git";
            url = base + name;
        }

        void publish() {
            SERVED.put(name, remote); // the bare remote itself is served under its name
        }

        RepoCheckout withToken(String token) {
            return new RepoCheckout(cache, SecretSource.of(token == null ? Map.of()
                    : Map.of(RepoCheckout.DEFAULT_TOKEN_ENV, token)));
        }

        @Test
        void clonesWithTheTokenFollowsAForcePushAndRejectsAnUnknownRef() throws Exception {
            RevCommit c1 = commit("fleet.yaml", "v1\n");
            authorGit.tag().setName("v1").call();
            push(false, "main");
            publish();
            RepoCheckout checkout = withToken(TOKEN);

            Checkout first = checkout.checkout(url, null);
            assertThat(first.commit()).isEqualTo(c1.name());
            assertThat(first.source()).isEqualTo(url);
            assertThat(first.workTree().resolve("fleet.yaml")).hasContent("v1");

            authorGit.reset().setMode(ResetCommand.ResetType.HARD).setRef(c1.name()).call();
            authorGit.commit().setAmend(true).setMessage("amended").setAuthor(AUTHOR).setCommitter(AUTHOR).call();
            RevCommit amended = commit("fleet.yaml", "v1-amended\n");
            push(true, "main");
            publish();

            Checkout second = checkout.checkout(url, "main");
            assertThat(second.commit()).isEqualTo(amended.name());
            assertThat(second.workTree()).isEqualTo(first.workTree());
            assertThat(second.workTree().resolve("fleet.yaml")).hasContent("v1-amended");
            assertThat(checkout.checkout(url, "v1").commit()).isEqualTo(c1.name());

            assertThatThrownBy(() -> checkout.checkout(url, "staging"))
                    .hasMessage("unknown ref 'staging' in " + url
                            + ": no branch, tag or commit of that name (branches: main; tags: v1)");
        }

        @Test
        void aWrongTokenIsAClearErrorThatNeverShowsTheToken() throws Exception {
            commit("fleet.yaml", "v1\n");
            push(false, "main");
            publish();
            String wrong = "ghp_wrongWrongWrong123";
            ListAppender<ILoggingEvent> logs = captureLogs();
            try {
                assertThatThrownBy(() -> withToken(wrong).checkout(url, "main"))
                        .isInstanceOf(RepoCheckoutException.class)
                        .hasMessage("cannot read the desired-state repo " + url + ": authentication failed; the token in "
                                + "$KUBECHORES_GIT_TOKEN was refused (wrong, expired or lacking read access)");
                assertThatThrownBy(() -> withToken(null).checkout(url, "main"))
                        .hasMessage("cannot read the desired-state repo " + url
                                + ": authentication failed; set $KUBECHORES_GIT_TOKEN to a token with read access");
                String withTokenInUrl = url.replace("http://", "http://bot:" + wrong + "@");
                assertThatThrownBy(() -> withToken(null).checkout(withTokenInUrl, "main"))
                        .hasMessage("cannot read the desired-state repo " + url + ": authentication failed; "
                                + "the token in the URL was refused (wrong, expired or lacking read access)");
                assertThat(logs.list).allSatisfy(e -> assertThat(render(e)).doesNotContain(wrong));
            } finally {
                stopCapturing(logs);
            }
        }

        @Test
        void aTokenWrittenIntoTheUrlIsUsedButNeverStoredNorShown() throws Exception {
            RevCommit c1 = commit("fleet.yaml", "v1\n");
            push(false, "main");
            publish();
            ListAppender<ILoggingEvent> logs = captureLogs();
            try {
                Checkout co = withToken(null).checkout(url.replace("http://", "http://bot:" + TOKEN + "@"), null);
                assertThat(co.commit()).isEqualTo(c1.name());
                assertThat(co.source()).isEqualTo(url);
                assertThat(Files.readString(co.workTree().resolve(".git/config"))).doesNotContain(TOKEN).contains(url);
                assertThat(logs.list).isNotEmpty().allSatisfy(e -> assertThat(render(e)).doesNotContain(TOKEN));
            } finally {
                stopCapturing(logs);
            }
        }
    }

    static ListAppender<ILoggingEvent> captureLogs() {
        ListAppender<ILoggingEvent> app = new ListAppender<>();
        app.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(app);
        return app;
    }

    static void stopCapturing(ListAppender<ILoggingEvent> app) {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(app);
    }

    static String render(ILoggingEvent e) {
        return e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy()));
    }
}
