package io.kubechores.platform.git;

import io.kubechores.desiredstate.FleetSpec;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.TransportConfigCallback;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefLeaseSpec;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Bot branches on the desired-state remote (DESIGN §4): keeps a bare work clone of the remote in a cache folder,
 * and creates/updates a branch {@code kubechores/<job>/<topic>} as ONE commit on top of the base branch holding the
 * requested file contents. The branch is force-pushed (with a lease on the last fetched value) only when the
 * resulting tree differs from the branch's current tree; otherwise nothing is pushed.
 *
 * <p>Works over every transport JGit knows: local paths and {@code file://}, {@code http(s)://} (credentials from
 * {@link GitCredentials}: a token read from the environment, never logged) and {@code ssh://} / scp-like URLs (JGit's
 * Apache MINA sshd: keys and known_hosts from {@code ~/.ssh}).
 *
 * <p>Thread-safe: calls on one instance are serialised (one work clone per remote URL and cache folder).
 */
public final class BotBranches {

    private static final Logger log = LoggerFactory.getLogger(BotBranches.class);

    static {
        // JGit measures a file system's timestamp resolution on first use (seconds on a busy disk); do it in the
        // background with safe defaults instead of blocking the first run
        org.eclipse.jgit.util.FS.FileStoreAttributes.setBackground(true);
    }

    /** What {@link #upsert} did to the remote branch. */
    public enum Outcome {
        /** the branch did not exist and was pushed */
        CREATED,
        /** the branch existed with another tree and was force-pushed */
        UPDATED,
        /** the branch already holds exactly this tree: nothing pushed */
        UNCHANGED,
        /** base + files equals the base tree: nothing to propose, nothing pushed */
        NO_CHANGE_FROM_BASE,
        /**
         * the branch carries commits someone other than the bot made (a reviewer's fix, a merge of the base): it is
         * left alone, nothing pushed, until a human deletes the branch or closes the PR (Renovate does the same)
         */
        EDITED_BY_OTHERS
    }

    /**
     * @param branch       branch name (without refs/heads/)
     * @param outcome      what happened
     * @param headSha      the remote branch's head after the call (null for NO_CHANGE_FROM_BASE when no branch exists)
     * @param previousSha  the remote branch's head before the call (null when it did not exist)
     * @param baseSha      the base branch commit the change was computed on
     * @param changedPaths paths whose content differs from the base branch (sorted)
     */
    public record BranchResult(String branch, Outcome outcome, String headSha, String previousSha, String baseSha,
                               List<String> changedPaths) {
        public BranchResult {
            changedPaths = List.copyOf(changedPaths);
        }

        public boolean pushed() {
            return outcome == Outcome.CREATED || outcome == Outcome.UPDATED;
        }
    }

    private final String remoteUrl;
    private final Path workDir;
    private final CredentialsProvider credentials;
    private final FleetSpec.GitAuthor author;
    private final Clock clock;
    private final TransportConfigCallback transportConfig;

    /**
     * @param remoteUrl   the desired-state remote (path, file://, http(s)://, ssh://)
     * @param cacheDir    folder for work clones; the clone of this remote lives in a sub-folder named by its URL hash
     * @param credentials for http(s) (null = none)
     * @param author      commit author and committer
     * @param clock       commit time (the run's clock)
     */
    public BotBranches(String remoteUrl, Path cacheDir, CredentialsProvider credentials, FleetSpec.GitAuthor author,
                       Clock clock) {
        this(remoteUrl, cacheDir, credentials, null, author, clock);
    }

    /**
     * @param transportConfig configures each transport (e.g. {@link GitSsh#sshDirectory} for ssh remotes); null = JGit
     *                        defaults (ssh keys and known_hosts from ~/.ssh)
     */
    public BotBranches(String remoteUrl, Path cacheDir, CredentialsProvider credentials,
                       TransportConfigCallback transportConfig, FleetSpec.GitAuthor author, Clock clock) {
        this.remoteUrl = normalise(remoteUrl);
        this.workDir = cacheDir.resolve("bot-" + shortHash(this.remoteUrl) + ".git");
        this.credentials = credentials;
        this.transportConfig = transport -> {
            // bot pushes are a commit and a few trees/blobs: deltas would cost more CPU than they save bytes
            org.eclipse.jgit.storage.pack.PackConfig pack = new org.eclipse.jgit.storage.pack.PackConfig();
            pack.setDeltaCompress(false);
            pack.setThreads(1);
            transport.setPackConfig(pack);
            if (transportConfig != null) {
                transportConfig.configure(transport);
            }
        };
        this.author = author == null ? new FleetSpec.GitAuthor(null, null) : author;
        this.clock = clock;
    }

    public String remoteUrl() {
        return remoteUrl;
    }

    /** The bare work clone (created on first use). */
    public Path workDir() {
        return workDir;
    }

    /**
     * Creates or updates {@code branch} as one commit on top of {@code baseBranch} whose tree is the base tree with
     * {@code files} (repo-relative path → full content, UTF-8) written over it. Pushes only when that tree differs from
     * the branch's current tree.
     */
    public BranchResult upsert(String branch, String baseBranch, Map<String, String> files, String commitMessage) {
        return locked(() -> runAll(baseBranch, List.of(new Change(branch, files, commitMessage)), true)).getFirst();
    }

    /**
     * What {@link #upsert} would do, without pushing (dry-run): fetches, computes the tree, compares. For CREATED and
     * UPDATED the returned headSha is null (no commit is made).
     */
    public BranchResult preview(String branch, String baseBranch, Map<String, String> files) {
        return locked(() -> runAll(baseBranch, List.of(new Change(branch, files, null)), false)).getFirst();
    }

    /** One branch's wanted content, for {@link #upsertAll}. */
    public record Change(String branch, Map<String, String> files, String commitMessage) {
    }

    /**
     * {@link #upsert} for many branches on one base with one fetch and one push (every changed branch in the same
     * push, each with its own lease): for jobs opening dozens of PRs per run. Results are in the order of
     * {@code changes}. When the remote rejects some branches, the others are pushed and an exception names the
     * rejected ones.
     */
    public List<BranchResult> upsertAll(String baseBranch, List<Change> changes) {
        return changes.isEmpty() ? List.of() : locked(() -> runAll(baseBranch, changes, true));
    }

    private record Pending(int index, String branch, ObjectId head, ObjectId expectedOld) {
    }

    private List<BranchResult> runAll(String baseBranch, List<Change> changes, boolean apply) {
        try (Repository repo = open()) {
            if (changes.stream().allMatch(c -> c.branch().startsWith(BOT_PREFIX))) {
                fetch(repo, baseBranch, changes.getFirst().branch());
            } else {
                List<String> names = new ArrayList<>(List.of(baseBranch));
                changes.forEach(c -> names.add(c.branch()));
                fetchExact(repo, names.toArray(String[]::new));
            }
            ObjectId base = repo.resolve(tracking(baseBranch));
            if (base == null) {
                throw new IllegalStateException("base branch '" + baseBranch + "' not found on " + safeUrl());
            }
            List<BranchResult> results = new ArrayList<>();
            List<Pending> pushes = new ArrayList<>();
            try (RevWalk walk = new RevWalk(repo); ObjectInserter inserter = repo.newObjectInserter()) {
                RevCommit baseCommit = walk.parseCommit(base);
                for (Change change : changes) {
                    String branch = change.branch();
                    ObjectId current = repo.resolve(tracking(branch));
                    ObjectId tree = treeWith(repo, inserter, baseCommit.getTree(), change.files());
                    inserter.flush();
                    List<String> changed = changedPaths(repo, baseCommit.getTree(), tree);
                    String previous = current == null ? null : current.name();
                    if (tree.equals(baseCommit.getTree())) {
                        results.add(new BranchResult(branch, Outcome.NO_CHANGE_FROM_BASE, previous, previous,
                                base.name(), changed));
                        continue;
                    }
                    if (current != null && walk.parseCommit(current).getTree().equals(tree)) {
                        results.add(new BranchResult(branch, Outcome.UNCHANGED, previous, previous, base.name(),
                                changed));
                        continue;
                    }
                    if (current != null) {
                        Optional<RevCommit> foreign = foreignCommit(walk, current, baseCommit);
                        if (foreign.isPresent()) {
                            PersonIdent who = foreign.get().getAuthorIdent();
                            log.warn("git branch={} has commit {} by {} (not the bot): left alone, not force-pushed;"
                                            + " delete the branch or close its PR to let kubechores take it over",
                                    branch, foreign.get().getName().substring(0, 12), who.getName());
                            results.add(new BranchResult(branch, Outcome.EDITED_BY_OTHERS, previous, previous,
                                    base.name(), changed));
                            continue;
                        }
                    }
                    Outcome outcome = current == null ? Outcome.CREATED : Outcome.UPDATED;
                    if (!apply) {
                        results.add(new BranchResult(branch, outcome, null, previous, base.name(), changed));
                        continue;
                    }
                    PersonIdent ident = new PersonIdent(author.name(), author.email(), clock.instant(),
                            clock.getZone());
                    CommitBuilder commit = new CommitBuilder();
                    commit.setTreeId(tree);
                    commit.setParentId(baseCommit);
                    commit.setAuthor(ident);
                    commit.setCommitter(ident);
                    String message = change.commitMessage();
                    commit.setMessage(message.endsWith("\n") ? message : message + "\n");
                    ObjectId head = inserter.insert(commit);
                    inserter.flush();
                    pushes.add(new Pending(results.size(), branch, head, current));
                    results.add(new BranchResult(branch, outcome, head.name(), previous, base.name(), changed));
                }
            }
            if (!pushes.isEmpty()) {
                push(repo, pushes);
                for (Pending p : pushes) {
                    BranchResult r = results.get(p.index());
                    log.info("git push {} branch={} {} -> {} files={}", r.outcome(), p.branch(),
                            r.previousSha() == null ? "(new)" : r.previousSha().substring(0, 12),
                            p.head().name().substring(0, 12), r.changedPaths());
                }
            }
            return results;
        } catch (IOException e) {
            throw new UncheckedIOException("git " + safeUrl() + ": " + scrub(e.getMessage()), hiddenIo(e));
        }
    }

    /**
     * A commit on the branch (not on the base) whose author or committer is not the bot's identity, newest first;
     * looks at most 100 commits back (a bot branch is one commit on its base).
     */
    private Optional<RevCommit> foreignCommit(RevWalk walk, ObjectId head, RevCommit base) throws IOException {
        walk.reset();
        walk.markStart(walk.parseCommit(head));
        walk.markUninteresting(walk.parseCommit(base));
        int seen = 0;
        try {
            for (RevCommit c : walk) {
                if (!isBot(c.getAuthorIdent()) || !isBot(c.getCommitterIdent())) return Optional.of(c);
                if (++seen >= 100) break;
            }
            return Optional.empty();
        } finally {
            walk.reset();
        }
    }

    private boolean isBot(PersonIdent who) {
        return who.getEmailAddress().equalsIgnoreCase(author.email());
    }

    /** The remote branch's head commit, fetched now (empty when the branch does not exist). */
    public Optional<String> remoteHead(String branch) {
        return locked(() -> {
            try (Repository repo = open()) {
                fetch(repo, null, branch);
                ObjectId id = repo.resolve(tracking(branch));
                return Optional.ofNullable(id).map(ObjectId::name);
            } catch (IOException e) {
                throw new UncheckedIOException("git " + safeUrl() + ": " + scrub(e.getMessage()), hiddenIo(e));
            }
        });
    }

    /**
     * Contents of files at the head of a remote branch as last fetched (empty when the branch or the file is absent).
     * Call {@link #remoteHead} or {@link #upsert} first to fetch.
     */
    public Optional<String> readFile(String branch, String path) {
        return locked(() -> readFileLocked(branch, path));
    }

    private Optional<String> readFileLocked(String branch, String path) {
        try (Repository repo = open()) {
            ObjectId id = repo.resolve(tracking(branch));
            if (id == null) {
                return Optional.empty();
            }
            try (RevWalk walk = new RevWalk(repo);
                 TreeWalk tw = TreeWalk.forPath(repo, path, walk.parseCommit(id).getTree())) {
                if (tw == null) {
                    return Optional.empty();
                }
                return Optional.of(new String(repo.open(tw.getObjectId(0)).getBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Unified diff (3 lines of context) between two commits of the work clone, e.g. base → branch head. */
    public String diff(String fromSha, String toSha) {
        return locked(() -> {
            try (Repository repo = open(); RevWalk walk = new RevWalk(repo);
                 java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                 org.eclipse.jgit.diff.DiffFormatter fmt = new org.eclipse.jgit.diff.DiffFormatter(out)) {
                fmt.setRepository(repo);
                fmt.setContext(3);
                fmt.format(walk.parseCommit(ObjectId.fromString(fromSha)).getTree(),
                        walk.parseCommit(ObjectId.fromString(toSha)).getTree());
                fmt.flush();
                return out.toString(StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    // ---------------------------------------------------------------------------------------------------------

    private Repository open() throws IOException {
        if (!Files.isDirectory(workDir.resolve("objects"))) {
            Files.createDirectories(workDir.getParent());
            try (Git git = Git.init().setBare(true).setGitDir(workDir.toFile())
                    .setInitialBranch("kubechores-work").call()) {
                log.debug("initialised work clone {} for {}", workDir, safeUrl());
            } catch (GitAPIException e) {
                throw new IOException("cannot initialise work clone " + workDir + ": " + e.getMessage(), e);
            }
        }
        Repository repo = new FileRepositoryBuilder().setGitDir(workDir.toFile()).setMustExist(true).build();
        var config = repo.getConfig();
        if (config.getBoolean("gc", "autoDetach", true)) {
            // fetch may start an auto-gc: run it inside our lock, not in a background thread racing the next run
            config.setBoolean("gc", null, "autoDetach", false);
            config.save();
        }
        return repo;
    }

    /**
     * Fetches the base branch (when given) and the bot branch into refs/remotes/origin/*. Bot branches
     * (kubechores/...) come in one round trip with every other bot branch (a wildcard, pruned: a branch deleted on the
     * remote is forgotten); any other branch goes through ls-remote first, since an explicit refspec for a missing
     * branch fails the fetch.
     */
    private void fetch(Repository repo, String base, String branch) throws IOException {
        if (!branch.startsWith(BOT_PREFIX)) {
            fetchExact(repo, base == null ? new String[] {branch} : new String[] {base, branch});
            return;
        }
        List<RefSpec> specs = new ArrayList<>();
        specs.add(new RefSpec("+" + Constants.R_HEADS + BOT_PREFIX + "*:" + tracking(BOT_PREFIX + "*")));
        if (base != null) {
            specs.add(new RefSpec("+" + Constants.R_HEADS + base + ":" + tracking(base)));
        }
        try (Git git = new Git(repo)) {
            var fetch = git.fetch().setRemote(remoteUrl).setRefSpecs(specs).setRemoveDeletedRefs(true);
            if (credentials != null) {
                fetch.setCredentialsProvider(credentials);
            }
            fetch.setTransportConfigCallback(transportConfig);
            fetch.call();
        } catch (GitAPIException e) {
            if (base != null && e instanceof org.eclipse.jgit.api.errors.TransportException) {
                boolean reachable;
                try {
                    fetchExact(repo, base);   // the remote answers: is it the base that is missing?
                    reachable = true;
                } catch (IOException unreachable) {
                    reachable = false;        // report the original failure (auth, network...)
                }
                if (reachable && repo.exactRef(tracking(base)) == null) {
                    throw new IllegalStateException("base branch '" + base + "' not found on " + safeUrl());
                }
            }
            throw new IOException("fetch from " + safeUrl() + " failed: " + scrub(e.getMessage()), hidden(e));
        }
    }

    private static final String BOT_PREFIX = "kubechores/";

    /** Fetches exactly the named branches; a branch the remote no longer has is forgotten locally. */
    private void fetchExact(Repository repo, String... branches) throws IOException {
        try (Git git = new Git(repo)) {
            var lsRemote = git.lsRemote().setRemote(remoteUrl).setHeads(true);
            if (credentials != null) {
                lsRemote.setCredentialsProvider(credentials);
            }
            lsRemote.setTransportConfigCallback(transportConfig);
            var advertised = lsRemote.call().stream().map(Ref::getName).collect(java.util.stream.Collectors.toSet());
            List<RefSpec> present = new ArrayList<>();
            for (String b : new java.util.LinkedHashSet<>(List.of(branches))) {
                if (advertised.contains(Constants.R_HEADS + b)) {
                    present.add(new RefSpec("+" + Constants.R_HEADS + b + ":" + tracking(b)));
                } else if (repo.exactRef(tracking(b)) != null) {
                    RefUpdate del = repo.updateRef(tracking(b));
                    del.setForceUpdate(true);
                    del.delete();
                }
            }
            if (present.isEmpty()) {
                return;
            }
            var fetch = git.fetch().setRemote(remoteUrl).setRefSpecs(present);
            if (credentials != null) {
                fetch.setCredentialsProvider(credentials);
            }
            fetch.setTransportConfigCallback(transportConfig);
            fetch.call();
        } catch (GitAPIException e) {
            throw new IOException("fetch from " + safeUrl() + " failed: " + scrub(e.getMessage()), hidden(e));
        }
    }

    /** One user of a work clone at a time: threads of this JVM (a lock per folder) and other processes (a file lock). */
    private <T> T locked(java.util.function.Supplier<T> action) {
        java.util.concurrent.locks.ReentrantLock lock = LOCKS.computeIfAbsent(workDir,
                k -> new java.util.concurrent.locks.ReentrantLock());
        lock.lock();
        try {
            Files.createDirectories(workDir.getParent());
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(
                    workDir.resolveSibling(workDir.getFileName() + ".lock"),
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
                 java.nio.channels.FileLock ignored = ch.lock()) {
                return action.get();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock work clone " + workDir + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    private static final java.util.concurrent.ConcurrentHashMap<Path, java.util.concurrent.locks.ReentrantLock> LOCKS =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** One push for all pending branches: force (+), each with a lease on the value fetched just before. */
    private void push(Repository repo, List<Pending> pending) throws IOException {
        List<RefSpec> specs = new ArrayList<>();
        List<RefLeaseSpec> leases = new ArrayList<>();
        for (Pending p : pending) {
            String local = Constants.R_HEADS + p.branch();
            RefUpdate ru = repo.updateRef(local);
            ru.setNewObjectId(p.head());
            ru.setForceUpdate(true);
            RefUpdate.Result r = ru.update();
            if (r != RefUpdate.Result.NEW && r != RefUpdate.Result.FORCED && r != RefUpdate.Result.NO_CHANGE
                    && r != RefUpdate.Result.FAST_FORWARD) {
                throw new IOException("cannot update local ref " + local + ": " + r);
            }
            specs.add(new RefSpec("+" + local + ":" + local));
            leases.add(new RefLeaseSpec(local,
                    p.expectedOld() == null ? ObjectId.zeroId().name() : p.expectedOld().name()));
        }
        List<String> rejected = new ArrayList<>();
        java.util.Set<String> pushed = new java.util.HashSet<>();
        try (Git git = new Git(repo)) {
            var push = git.push().setRemote(remoteUrl).setRefSpecs(specs).setRefLeaseSpecs(leases);
            if (credentials != null) {
                push.setCredentialsProvider(credentials);
            }
            push.setTransportConfigCallback(transportConfig);
            for (PushResult result : push.call()) {
                for (RemoteRefUpdate update : result.getRemoteUpdates()) {
                    if (update.getStatus() == RemoteRefUpdate.Status.OK
                            || update.getStatus() == RemoteRefUpdate.Status.UP_TO_DATE) {
                        pushed.add(update.getRemoteName());
                    } else {
                        rejected.add(update.getRemoteName().substring(Constants.R_HEADS.length()) + " "
                                + update.getStatus() + (update.getMessage() == null ? "" : " " + update.getMessage()));
                    }
                }
            }
        } catch (GitAPIException e) {
            throw new IOException("push to " + safeUrl() + " failed: " + scrub(e.getMessage()), hidden(e));
        }
        for (Pending p : pending) {
            if (pushed.contains(Constants.R_HEADS + p.branch())) {
                RefUpdate tr = repo.updateRef(tracking(p.branch()));
                tr.setNewObjectId(p.head());
                tr.setForceUpdate(true);
                tr.update();
            }
        }
        if (!rejected.isEmpty()) {
            throw new IOException("push to " + safeUrl() + " rejected: " + String.join("; ", rejected));
        }
    }

    /**
     * The base tree with {@code files} written over it. Only the trees on the paths of the written files are rebuilt;
     * every other subtree keeps its id (a repo of thousands of manifests costs a handful of object writes).
     */
    private static ObjectId treeWith(Repository repo, ObjectInserter inserter, ObjectId baseTree,
                                     Map<String, String> files) throws IOException {
        Map<String, byte[]> byPath = new TreeMap<>();
        for (Map.Entry<String, String> f : files.entrySet()) {
            byPath.put(cleanPath(f.getKey()), f.getValue().getBytes(StandardCharsets.UTF_8));
        }
        try (ObjectReader reader = repo.newObjectReader()) {
            return editTree(reader, inserter, baseTree, byPath);
        }
    }

    private record Entry(FileMode mode, ObjectId id) {
    }

    private static ObjectId editTree(ObjectReader reader, ObjectInserter inserter, ObjectId tree,
                                     Map<String, byte[]> files) throws IOException {
        Map<String, Entry> entries = new TreeMap<>();
        if (tree != null) {
            org.eclipse.jgit.treewalk.CanonicalTreeParser parser = new org.eclipse.jgit.treewalk.CanonicalTreeParser();
            parser.reset(reader, tree);
            for (; !parser.eof(); parser.next()) {
                entries.put(parser.getEntryPathString(), new Entry(parser.getEntryFileMode(), parser.getEntryObjectId()));
            }
        }
        Map<String, Map<String, byte[]>> sub = new TreeMap<>();
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            int slash = f.getKey().indexOf('/');
            if (slash < 0) {
                Entry old = entries.get(f.getKey());
                FileMode mode = old != null && old.mode() == FileMode.EXECUTABLE_FILE
                        ? FileMode.EXECUTABLE_FILE : FileMode.REGULAR_FILE;
                entries.put(f.getKey(), new Entry(mode, inserter.insert(Constants.OBJ_BLOB, f.getValue())));
            } else {
                sub.computeIfAbsent(f.getKey().substring(0, slash), k -> new TreeMap<>())
                        .put(f.getKey().substring(slash + 1), f.getValue());
            }
        }
        for (Map.Entry<String, Map<String, byte[]>> d : sub.entrySet()) {
            Entry old = entries.get(d.getKey());
            ObjectId oldTree = old != null && old.mode() == FileMode.TREE ? old.id() : null;
            entries.put(d.getKey(), new Entry(FileMode.TREE, editTree(reader, inserter, oldTree, d.getValue())));
        }
        // git orders tree entries by name, a tree's name compared as if it ended with '/'
        List<Map.Entry<String, Entry>> sorted = new ArrayList<>(entries.entrySet());
        sorted.sort((a, b) -> compareGitOrder(a.getKey(), a.getValue().mode() == FileMode.TREE,
                b.getKey(), b.getValue().mode() == FileMode.TREE));
        org.eclipse.jgit.lib.TreeFormatter fmt = new org.eclipse.jgit.lib.TreeFormatter();
        for (Map.Entry<String, Entry> e : sorted) {
            fmt.append(e.getKey(), e.getValue().mode(), e.getValue().id());
        }
        return inserter.insert(fmt);
    }

    private static int compareGitOrder(String a, boolean aTree, String b, boolean bTree) {
        byte[] x = (aTree ? a + "/" : a).getBytes(StandardCharsets.UTF_8);
        byte[] y = (bTree ? b + "/" : b).getBytes(StandardCharsets.UTF_8);
        return java.util.Arrays.compareUnsigned(x, y);
    }

    private static List<String> changedPaths(Repository repo, ObjectId from, ObjectId to) throws IOException {
        List<String> out = new ArrayList<>();
        try (TreeWalk tw = new TreeWalk(repo)) {
            tw.setRecursive(true);
            tw.addTree(from);
            tw.addTree(to);
            tw.setFilter(org.eclipse.jgit.treewalk.filter.TreeFilter.ANY_DIFF);
            while (tw.next()) {
                out.add(tw.getPathString());
            }
        }
        return out;
    }

    static String cleanPath(String path) {
        String p = path.replace('\\', '/');
        while (p.startsWith("./")) {
            p = p.substring(2);
        }
        if (p.startsWith("/") || p.isBlank() || p.endsWith("/")) {
            throw new IllegalArgumentException("not a repo-relative file path: " + path);
        }
        for (String part : p.split("/")) {
            if (part.isEmpty() || part.equals(".") || part.equals("..") || part.equals(".git")) {
                throw new IllegalArgumentException("not a repo-relative file path: " + path);
            }
        }
        return p;
    }

    private static String tracking(String branch) {
        return Constants.R_REMOTES + "origin/" + branch;
    }

    /** Local folders become file:// URLs so that every path goes through the same transport. */
    private static String normalise(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("no desired-state remote URL given");
        }
        if (url.contains("://") || url.matches("^[^/\\\\]+@[^:]+:.*")) {
            return url;
        }
        return Path.of(url).toAbsolutePath().normalize().toUri().toString();
    }

    /** A message without the remote URL's user-info or password (JGit messages may quote the URL as configured). */
    String scrub(String message) {
        if (message == null) {
            return null;
        }
        String m = message.replace(remoteUrl, safeUrl());
        try {
            String pass = new URIish(remoteUrl).getPass();
            if (pass != null && !pass.isEmpty()) {
                m = m.replace(pass, "***");
            }
        } catch (URISyntaxException ignored) {
            // not a URI: nothing embedded
        }
        return m;
    }

    /** The cause, unless its messages could carry credentials embedded in the URL. */
    private Exception hidden(Exception e) {
        return safeUrl().equals(remoteUrl) ? e : null;
    }

    private IOException hiddenIo(IOException e) {
        return safeUrl().equals(remoteUrl) ? e : new IOException(scrub(e.getMessage()));
    }

    /** The remote URL without any user-info (a token must never reach a log line or an exception message). */
    String safeUrl() {
        return redact(remoteUrl);
    }

    static String redact(String url) {
        try {
            URIish u = new URIish(url);
            if (u.getPass() != null || u.getUser() != null && u.getScheme() != null && u.getScheme().startsWith("http")) {
                return u.setPass(null).setUser(null).toString();
            }
            return url;
        } catch (URISyntaxException e) {
            return url.replaceAll("//[^/@]*@", "//");
        }
    }

    private static String shortHash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
