package io.kubechores.platform.git;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real bare git remote for tests: main holds the files of src/test/resources/forge/seed, committed by "Human".
 * Reads refs and blobs straight from the bare repository (what the remote really holds).
 */
public final class TestRemote {

    public static final Instant SEED_TIME = Instant.parse("2026-10-01T08:00:00Z");

    static {
        org.eclipse.jgit.util.FS.FileStoreAttributes.setBackground(true);
    }

    private final Path bare;
    private final Path work;

    private TestRemote(Path bare, Path work) {
        this.bare = bare;
        this.work = work;
    }

    /** Creates {@code dir}/remote.git with the seed committed on main. */
    public static TestRemote create(Path dir) {
        try {
            Path bare = dir.resolve("remote.git");
            Path work = dir.resolve("human-clone");
            Git.init().setBare(true).setInitialBranch("main").setDirectory(bare.toFile()).call().close();
            Path seed = Path.of(TestRemote.class.getResource("/forge/seed").toURI());
            try (Stream<Path> files = Files.walk(seed)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Path target = work.resolve(seed.relativize(f).toString());
                    Files.createDirectories(target.getParent());
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            try (Git git = Git.init().setInitialBranch("main").setDirectory(work.toFile()).call()) {
                // an explicit identity: reflog entries would otherwise resolve the host name (slow without DNS)
                var config = git.getRepository().getConfig();
                config.setString("user", null, "name", "Human");
                config.setString("user", null, "email", "human@acme.example");
                config.save();
                git.add().addFilepattern(".").call();
                PersonIdent human = new PersonIdent("Human", "human@acme.example", SEED_TIME, ZoneOffset.UTC);
                git.commit().setMessage("seed").setAuthor(human).setCommitter(human).call();
                git.push().setRemote(bare.toUri().toString()).add("main").call();
            }
            return new TestRemote(bare, work);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException | org.eclipse.jgit.api.errors.GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path bareDir() {
        return bare;
    }

    public String fileUrl() {
        return bare.toUri().toString();
    }

    /** A human commits on main (moves the base). */
    public void commitOnMain(String message, Map<String, String> files, Instant when) {
        commitOn("main", message, files, when);
    }

    /** A human's commit on top of {@code branch} of the remote (e.g. a reviewer's fix pushed to a bot branch). */
    public void commitOn(String branch, String message, Map<String, String> files, Instant when) {
        try (Git git = Git.open(work.toFile())) {
            if (!branch.equals("main")) {
                git.fetch().setRemote(bare.toUri().toString())
                        .setRefSpecs("+refs/heads/" + branch + ":refs/remotes/bare/" + branch).call();
                git.checkout().setName(branch).setCreateBranch(true).setForceRefUpdate(true)
                        .setStartPoint("refs/remotes/bare/" + branch).call();
            }
            for (var f : files.entrySet()) {
                Path target = work.resolve(f.getKey());
                Files.createDirectories(target.getParent());
                Files.writeString(target, f.getValue(), StandardCharsets.UTF_8);
            }
            git.add().addFilepattern(".").call();
            PersonIdent human = new PersonIdent("Human", "human@acme.example", when, ZoneOffset.UTC);
            git.commit().setMessage(message).setAuthor(human).setCommitter(human).call();
            git.push().setRemote(bare.toUri().toString()).add(branch).call();
            if (!branch.equals("main")) {
                git.checkout().setName("main").call();
                git.branchDelete().setBranchNames(branch).setForce(true).call();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (org.eclipse.jgit.api.errors.GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    public Repository open() {
        try {
            return new FileRepositoryBuilder().setGitDir(bare.toFile()).setMustExist(true).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The remote's head of a branch, or null. */
    public String head(String branch) {
        try (Repository r = open()) {
            ObjectId id = r.resolve(Constants.R_HEADS + branch);
            return id == null ? null : id.name();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public RevCommit commit(String branch) {
        try (Repository r = open(); RevWalk walk = new RevWalk(r)) {
            RevCommit c = walk.parseCommit(r.resolve(Constants.R_HEADS + branch));
            walk.parseBody(c);
            for (RevCommit p : c.getParents()) {
                walk.parseHeaders(p);
            }
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** File content on a branch of the remote, or null. */
    public String read(String branch, String path) {
        try (Repository r = open(); RevWalk walk = new RevWalk(r)) {
            RevCommit c = walk.parseCommit(r.resolve(Constants.R_HEADS + branch));
            try (TreeWalk tw = TreeWalk.forPath(r, path, c.getTree())) {
                return tw == null ? null : new String(r.open(tw.getObjectId(0)).getBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a seed file from the test resources. */
    public static String seed(String path) {
        try (var in = TestRemote.class.getResourceAsStream("/forge/seed/" + path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
