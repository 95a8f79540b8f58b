package io.kubechores.demo;

import io.kubechores.demo.DemoContribution;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.Map;
import java.util.TimeZone;

/**
 * Builds the demo's desired-state repo: the example fleet shipped in the jar, committed 30 days before the demo
 * clock, plus the commits the jobs' demo contributions add; then a bare clone as the local remote.
 */
final class DemoRepoBuilder implements DemoContribution.DemoRepo, AutoCloseable {
    static final PersonIdent AUTHOR_TEMPLATE = new PersonIdent("Platform Team", "platform@acme.example");
    private final Path workTree;
    private final Git git;

    DemoRepoBuilder(Path workTree, Instant initialCommit) {
        this.workTree = workTree;
        try {
            Files.createDirectories(workTree);
            copyExample(workTree);
            this.git = Git.init().setDirectory(workTree.toFile()).setInitialBranch("main").call();
            git.add().addFilepattern(".").call();
            commitAll("Fleet desired state: clusters, policies and tools", initialCommit);
        } catch (GitAPIException | IOException e) {
            throw new IllegalStateException("cannot build the demo repo: " + e.getMessage(), e);
        }
    }

    @Override
    public Path workTree() {
        return workTree;
    }

    @Override
    public void commit(String message, Instant when, Map<String, String> files) {
        try {
            for (var e : files.entrySet()) {
                Path p = workTree.resolve(e.getKey());
                Files.createDirectories(p.getParent());
                Files.writeString(p, e.getValue(), StandardCharsets.UTF_8);
                git.add().addFilepattern(e.getKey()).call();
            }
            commitAll(message, when);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    private void commitAll(String message, Instant when) throws GitAPIException {
        PersonIdent who = new PersonIdent(AUTHOR_TEMPLATE, Date.from(when), TimeZone.getTimeZone(ZoneOffset.UTC));
        git.commit().setMessage(message).setAuthor(who).setCommitter(who).setAll(true).call();
    }

    /** Clones the work tree into a bare repo at dir; returns its file:// URL. */
    String publish(Path bare) {
        try (Git g = Git.cloneRepository().setURI(workTree.toUri().toString()).setDirectory(bare.toFile())
                .setBare(true).setBranch("main").call()) {
            return bare.toUri().toString();
        } catch (GitAPIException e) {
            throw new IllegalStateException("cannot publish the demo repo: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        git.close();
    }

    /** Copies classpath:example/** (the example fleet packaged in the jar) to the folder. */
    static void copyExample(Path target) throws IOException {
        PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver();
        Resource[] all = resolver.getResources("classpath*:example/**/*");
        for (Resource r : all) {
            if (!r.isReadable()) continue;
            String url = r.getURL().toString();
            int i = url.lastIndexOf("/example/");
            if (i < 0) continue;
            String rel = url.substring(i + "/example/".length());
            if (rel.isEmpty() || rel.endsWith("/")) continue;
            Path dest = target.resolve(rel);
            Files.createDirectories(dest.getParent());
            try (InputStream in = r.getInputStream()) {
                Files.copy(in, dest, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
