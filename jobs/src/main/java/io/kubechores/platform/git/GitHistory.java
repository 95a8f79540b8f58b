package io.kubechores.platform.git;

import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
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
 * Walks HEAD's first-parent line (the branch the desired state is read from), newest first, and compares the field's
 * value in each commit with the value at HEAD (the YAML is parsed only where the file's blob changes); the oldest
 * commit of that unbroken run is the one that set it. On the first-parent line a {@code --no-ff} merge is the merge
 * commit itself (its first parent does not have the value), so the value is dated by when it landed, not by when the
 * branch commit was written; a rebase or squash merge is a new commit with its own committer time. At most
 * {@value #MAX_COMMITS} commits are walked.
 */
public final class GitHistory {
    static final int MAX_COMMITS = 20_000;

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
        try (Repository repo = b.setMustExist(true).build()) {
            if (repo.isBare()) return Optional.empty();
            Path workTree = repo.getWorkTree().toPath().toRealPath();
            String rel = workTree.relativize(folder.toAbsolutePath().toRealPath().resolve(file).normalize())
                    .toString().replace('\\', '/');
            ObjectId head = repo.resolve("HEAD");
            if (head == null) return Optional.empty();
            String current = null;
            RevCommit setBy = null;
            try (RevWalk walk = new RevWalk(repo)) {
                RevCommit c = walk.parseCommit(head);
                ObjectId blob = blobAt(repo, c, rel);
                if (blob == null) return Optional.empty();
                current = valueAt(repo, blob, kind, name, path);
                if (current == null) return Optional.empty();
                setBy = c;
                for (int steps = 0; steps < MAX_COMMITS && c.getParentCount() > 0; steps++) {
                    RevCommit parent = walk.parseCommit(c.getParent(0)); // first parent: the line the value landed on
                    ObjectId pb = blobAt(repo, parent, rel);
                    if (pb == null) break;
                    if (!pb.equals(blob) && !Objects.equals(valueAt(repo, pb, kind, name, path), current)) break;
                    setBy = parent;
                    c = parent;
                    blob = pb;
                }
            }
            return Optional.of(new ValueSetAt(setBy.getName(), setBy.getCommitterIdent().getWhenAsInstant(), current,
                    setBy.getShortMessage()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read git history of " + file, e);
        }
    }

    private static ObjectId blobAt(Repository repo, RevCommit c, String rel) throws IOException {
        try (TreeWalk tw = TreeWalk.forPath(repo, rel, c.getTree())) {
            return tw == null ? null : tw.getObjectId(0);
        }
    }

    private static String valueAt(Repository repo, ObjectId blob, String kind, String name, List<String> path)
            throws IOException {
        String text = new String(repo.open(blob).getBytes(), StandardCharsets.UTF_8);
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
