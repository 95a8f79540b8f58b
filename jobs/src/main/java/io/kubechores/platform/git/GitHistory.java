package io.kubechores.platform.git;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads the desired-state repo's history with JGit: since when does a field hold its current value?
 * <p>
 * Walks the commits that touched the file, newest first, parses the document at each of them and compares the
 * field's value with the value at HEAD; the oldest commit of that unbroken run is the one that set it. Its committer
 * time is when the value went live in git (a rebase or merge of an old commit counts from when it landed).
 */
public final class GitHistory {
    private GitHistory() {}

    /** The commit that set a value. */
    public record ValueSetAt(String commit, Instant committedAt, String value, String message) {}

    /**
     * @param folder   the checked-out desired-state folder (may be a sub-folder of the work tree)
     * @param file     file relative to folder, e.g. tools/loki.yaml
     * @param kind     document kind inside the (possibly multi-document) file
     * @param name     document metadata.name
     * @param path     keys from the document root, e.g. [spec, versions, staging]
     * @return empty when folder is not in a git work tree, the file is not committed or the field is absent at HEAD
     */
    public static Optional<ValueSetAt> whenValueSet(Path folder, String file, String kind, String name, List<String> path) {
        FileRepositoryBuilder b = new FileRepositoryBuilder().findGitDir(folder.toAbsolutePath().toFile());
        if (b.getGitDir() == null) return Optional.empty();
        try (Repository repo = b.setMustExist(true).build(); Git git = new Git(repo)) {
            if (repo.isBare()) return Optional.empty();
            Path workTree = repo.getWorkTree().toPath().toRealPath();
            String rel = workTree.relativize(folder.toAbsolutePath().toRealPath().resolve(file).normalize())
                    .toString().replace('\\', '/');
            ObjectId head = repo.resolve("HEAD");
            if (head == null) return Optional.empty();
            String current = null;
            RevCommit setBy = null;
            for (RevCommit c : git.log().add(head).addPath(rel).call()) {
                String v = valueAt(repo, c, rel, kind, name, path);
                if (setBy == null) {
                    if (v == null) return Optional.empty();
                    current = v;
                    setBy = c;
                } else if (Objects.equals(v, current)) {
                    setBy = c;
                } else {
                    break;
                }
            }
            if (setBy == null) return Optional.empty();
            return Optional.of(new ValueSetAt(setBy.getName(), setBy.getCommitterIdent().getWhenAsInstant(), current,
                    setBy.getShortMessage()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read git history of " + file, e);
        } catch (GitAPIException e) {
            throw new IllegalStateException("cannot read git history of " + file + ": " + e.getMessage(), e);
        }
    }

    private static String valueAt(Repository repo, RevCommit c, String rel, String kind, String name, List<String> path)
            throws IOException {
        try (TreeWalk tw = TreeWalk.forPath(repo, rel, c.getTree())) {
            if (tw == null) return null;
            String text = new String(repo.open(tw.getObjectId(0)).getBytes(), StandardCharsets.UTF_8);
            try {
                for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(text)) {
                    if (!(doc instanceof Map<?, ?> m)) continue;
                    Object meta = m.get("metadata");
                    boolean match = (kind == null || kind.equals(String.valueOf(m.get("kind"))))
                            && (name == null || (meta instanceof Map<?, ?> mm && name.equals(String.valueOf(mm.get("name")))));
                    if (!match) continue;
                    Object v = m;
                    for (String key : path) {
                        v = v instanceof Map<?, ?> vm ? vm.get(key) : null;
                    }
                    return v == null || v instanceof Map || v instanceof List ? null : String.valueOf(v);
                }
            } catch (RuntimeException unparsable) {
                return null; // a broken revision of the file ends the run of equal values
            }
            return null;
        }
    }
}
