package io.kubechores.desiredstate;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.api.TransportConfigCallback;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.InvalidRemoteException;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Gets the desired-state repo onto disk: a git URL (https with a token from an environment variable, ssh with the
 * user's keys, file://) is cloned once into a cache folder and fetched + hard-reset on later runs, so a force-pushed
 * remote is followed; a local folder is used in place. A checkout names the exact commit it loaded.
 *
 * <pre>{@code
 * RepoCheckout.Checkout co = RepoCheckout.withDefaults().checkout("https://github.com/acme/fleet.git", "main");
 * DesiredState state = new DesiredStateLoader(rules).load(co.workTree(), co.commit());
 * }</pre>
 *
 * Tokens are never logged nor put into an error message: credentials written into a URL (https://user:token@host/)
 * are moved out of it before the URL is used anywhere, and every message is scrubbed of the token.
 */
public final class RepoCheckout {
    private static final Logger LOG = LoggerFactory.getLogger(RepoCheckout.class);

    /** Environment variable holding the https token unless configured otherwise. */
    public static final String DEFAULT_TOKEN_ENV = "KUBECHORES_GIT_TOKEN";
    /** Environment variable holding the https user name (default {@value #DEFAULT_USER}). */
    public static final String DEFAULT_USER_ENV = "KUBECHORES_GIT_USER";
    /** User name sent with a token when none is configured (GitHub and GitLab accept any name with a token). */
    public static final String DEFAULT_USER = "x-access-token";
    /** The revision of a plain folder that is not a git work tree. */
    public static final String WORKING_TREE = "working-tree";

    /** Where the remote's HEAD (its default branch) is fetched to. */
    private static final String REMOTE_HEAD = "refs/kubechores/remote-head";
    private static final Pattern URL = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://.*");
    private static final Pattern SCP_LIKE = Pattern.compile("^[^/@\\s]+@[^/:\\s]+:.+");
    private static final Pattern COMMIT_ID = Pattern.compile("^[0-9a-fA-F]{7,40}$");

    /**
     * What was checked out.
     *
     * @param workTree the folder holding the repo's files at {@code commit}
     * @param commit   the full commit id, or {@value #WORKING_TREE} for a plain folder outside git
     * @param source   where it came from, safe to print (no credentials)
     */
    public record Checkout(Path workTree, String commit, String source) {}

    /** The repo cannot be checked out; the message says why in words safe to print. */
    public static final class RepoCheckoutException extends RuntimeException {
        public RepoCheckoutException(String message) {
            super(message);
        }
    }

    private final Path cacheRoot;
    private final SecretSource secrets;
    private final String tokenEnv;
    private final String userEnv;
    private final Path sshDirectory;

    /**
     * @param cacheRoot    folder holding one clone per URL (default ~/.kubechores/repos)
     * @param secrets      where the token is read from
     * @param tokenEnv     name of the variable holding the https token (null = {@value #DEFAULT_TOKEN_ENV})
     * @param userEnv      name of the variable holding the https user (null = {@value #DEFAULT_USER_ENV})
     * @param sshDirectory folder with ssh keys, known_hosts and config (null = ~/.ssh)
     */
    public RepoCheckout(Path cacheRoot, SecretSource secrets, String tokenEnv, String userEnv, Path sshDirectory) {
        this.cacheRoot = cacheRoot;
        this.secrets = secrets;
        this.tokenEnv = tokenEnv == null ? DEFAULT_TOKEN_ENV : tokenEnv;
        this.userEnv = userEnv == null ? DEFAULT_USER_ENV : userEnv;
        this.sshDirectory = sshDirectory;
    }

    public RepoCheckout(Path cacheRoot, SecretSource secrets) {
        this(cacheRoot, secrets, null, null, null);
    }

    /** Cache under ~/.kubechores/repos, token from $KUBECHORES_GIT_TOKEN, ssh keys from ~/.ssh. */
    public static RepoCheckout withDefaults() {
        return new RepoCheckout(defaultCacheRoot(), SecretSource.ENVIRONMENT);
    }

    public static Path defaultCacheRoot() {
        return Path.of(System.getProperty("user.home"), ".kubechores", "repos");
    }

    /** True when {@code repo} is a git URL (scheme:// or scp-like git@host:path) rather than a folder. */
    public static boolean isUrl(String repo) {
        return URL.matcher(repo).matches() || (SCP_LIKE.matcher(repo).matches() && !Files.isDirectory(Path.of(repo)));
    }

    /**
     * Checks out {@code repo} at {@code ref}.
     *
     * @param repo a git URL (https://, ssh://, git@host:path, file://) or a local folder
     * @param ref  branch, tag, full ref name (refs/...) or commit id; null = the remote's default branch
     *             (for a folder: null = use the folder as it is; a ref = check that ref out of the folder's repo
     *             into the cache)
     */
    public Checkout checkout(String repo, String ref) {
        if (repo == null || repo.isBlank()) throw new RepoCheckoutException("no repo given: pass a git URL or a folder");
        String r = ref == null || ref.isBlank() ? null : ref.trim();
        if (!isUrl(repo)) {
            Path dir = Path.of(repo).toAbsolutePath().normalize();
            if (!Files.isDirectory(dir)) {
                throw new RepoCheckoutException("'" + repo + "' is neither a folder nor a git URL "
                        + "(https://..., ssh://..., git@host:path or file://...)");
            }
            boolean bare = Files.isRegularFile(dir.resolve("HEAD")) && Files.isDirectory(dir.resolve("objects"));
            if (!bare && r == null) return folder(dir);
            if (!bare && gitDir(dir).isEmpty()) {
                throw new RepoCheckoutException("--ref " + r + " needs a git repository, but " + dir
                        + " is a plain folder");
            }
            if (bare) return remote(dir.toUri().toString(), r);
            // a ref of the folder's repository: check it out into the cache, then step into the same sub-folder
            Path gitDir = gitDir(dir).get().toPath().toAbsolutePath().normalize();
            Path sub = gitDir.getParent().relativize(dir);
            Checkout whole = remote(gitDir.toUri().toString(), r);
            Path workTree = whole.workTree().resolve(sub.toString()).normalize();
            if (!Files.isDirectory(workTree)) {
                throw new RepoCheckoutException("folder " + sub + " does not exist at ref " + r + " of " + whole.source());
            }
            return new Checkout(workTree, whole.commit(), whole.source());
        }
        return remote(repo, r);
    }

    private static Optional<File> gitDir(Path dir) {
        FileRepositoryBuilder b = new FileRepositoryBuilder().readEnvironment().findGitDir(dir.toFile());
        return Optional.ofNullable(b.getGitDir());
    }

    /** A plain folder: used in place; its revision is HEAD of the enclosing git work tree, if any. */
    private Checkout folder(Path dir) {
        Optional<File> gitDir = gitDir(dir);
        if (gitDir.isEmpty()) return new Checkout(dir, WORKING_TREE, dir.toString());
        try (Repository repo = new FileRepositoryBuilder().setGitDir(gitDir.get()).build()) {
            ObjectId head = repo.resolve(Constants.HEAD);
            return new Checkout(dir, head == null ? WORKING_TREE : head.name(), dir.toString());
        } catch (IOException e) {
            return new Checkout(dir, WORKING_TREE, dir.toString());
        }
    }

    private Checkout remote(String url, String ref) {
        Remote remote = Remote.parse(url, secrets.get(tokenEnv).orElse(null),
                secrets.get(userEnv).orElse(DEFAULT_USER));
        Path dir = cacheRoot.resolve(hash(remote.safeUrl()));
        try {
            Files.createDirectories(cacheRoot);
            // one process at a time per cache entry (the CLI and the runner may share ~/.kubechores)
            try (FileChannel lockFile = FileChannel.open(cacheRoot.resolve(dir.getFileName() + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = lockFile.lock();
                 Git git = openOrClone(remote, dir)) {
                fetch(git, remote, ref);
                ObjectId commit = resolve(git.getRepository(), remote, ref);
                // detach HEAD at the commit, then make index and files match it exactly (local edits are discarded)
                RefUpdate head = git.getRepository().updateRef(Constants.HEAD, true);
                head.setNewObjectId(commit);
                head.forceUpdate();
                git.reset().setMode(ResetCommand.ResetType.HARD).setRef(commit.name()).call();
                git.clean().setCleanDirectories(true).setIgnore(false).setForce(true).call();
                LOG.info("desired-state repo {} at {} is commit {} in {}", remote.safeUrl(),
                        ref == null ? "its default branch" : ref, commit.name(), dir);
                return new Checkout(dir, commit.name(), remote.safeUrl());
            }
        } catch (GitAPIException | IOException | RuntimeException e) {
            if (e instanceof RepoCheckoutException rce) throw rce;
            throw new RepoCheckoutException(remote.scrub(explain(e, remote)));
        }
    }

    private Git openOrClone(Remote remote, Path dir) throws GitAPIException, IOException {
        if (Files.isDirectory(dir.resolve(".git"))) {
            try {
                Git git = Git.open(dir.toFile());
                String origin = git.getRepository().getConfig().getString("remote", "origin", "url");
                if (remote.safeUrl().equals(origin)) return git;
                git.close();
            } catch (RepositoryNotFoundException e) {
                // broken cache entry: clone again below
            }
        }
        if (Files.exists(dir)) deleteRecursively(dir);
        try {
            Git.cloneRepository().setURI(remote.safeUrl()).setDirectory(dir.toFile()).setNoCheckout(true)
                    .setCloneAllBranches(true).setCredentialsProvider(remote.credentials())
                    .setTransportConfigCallback(transportConfig()).call().close();
        } catch (GitAPIException | RuntimeException e) {
            // leave no half-cloned cache entry behind: the next run clones again
            if (Files.exists(dir)) deleteRecursively(dir);
            throw e;
        }
        return Git.open(dir.toFile());
    }

    private void fetch(Git git, Remote remote, String ref) throws GitAPIException {
        List<RefSpec> specs = new ArrayList<>(List.of(
                new RefSpec("+refs/heads/*:refs/remotes/origin/*"),
                new RefSpec("+refs/tags/*:refs/tags/*"),
                new RefSpec("+HEAD:" + REMOTE_HEAD)));
        if (ref != null && ref.startsWith("refs/") && !ref.startsWith("refs/heads/") && !ref.startsWith("refs/tags/")) {
            specs.add(new RefSpec("+" + ref + ":refs/kubechores/fetched"));
        }
        while (true) {
            try {
                fetch(git, remote, specs);
                return;
            } catch (TransportException e) {
                // "Remote does not have X available for fetch.": a remote with an unborn HEAD, or an unknown refs/...
                String msg = String.valueOf(e.getMessage());
                if (!msg.contains("available for fetch")) throw e;
                if (msg.contains(" HEAD ") && specs.removeIf(sp -> sp.getSource().equals(Constants.HEAD))) continue;
                if (ref != null && msg.contains(ref)) {
                    throw new RepoCheckoutException(unknownRef(git.getRepository(), remote, ref));
                }
                throw e;
            }
        }
    }

    private void fetch(Git git, Remote remote, List<RefSpec> specs) throws GitAPIException {
        git.fetch().setRemote("origin").setRefSpecs(specs).setRemoveDeletedRefs(true).setForceUpdate(true)
                .setTagOpt(TagOpt.NO_TAGS).setCredentialsProvider(remote.credentials())
                .setTransportConfigCallback(transportConfig()).call();
    }

    private ObjectId resolve(Repository repo, Remote remote, String ref) throws IOException {
        List<String> candidates = new ArrayList<>();
        if (ref == null) {
            candidates.add(REMOTE_HEAD);
        } else if (ref.startsWith("refs/heads/")) {
            candidates.add("refs/remotes/origin/" + ref.substring("refs/heads/".length()));
        } else if (ref.startsWith("refs/tags/")) {
            candidates.add(ref);
        } else if (ref.startsWith("refs/")) {
            candidates.add("refs/kubechores/fetched");
        } else {
            candidates.add("refs/remotes/origin/" + ref);
            candidates.add("refs/tags/" + ref);
        }
        for (String c : candidates) {
            Ref found = repo.exactRef(c);
            if (found != null) {
                ObjectId commit = repo.resolve(c + "^{commit}");
                if (commit != null) return commit;
            }
        }
        if (ref == null) {
            // a remote without HEAD (e.g. HEAD names a branch that does not exist): take main, then master
            for (String c : List.of("refs/remotes/origin/main", "refs/remotes/origin/master")) {
                ObjectId id = repo.resolve(c + "^{commit}");
                if (id != null) return id;
            }
            throw new RepoCheckoutException("the remote " + remote.safeUrl() + " has no default branch "
                    + "(HEAD, main or master): pass a ref");
        }
        if (COMMIT_ID.matcher(ref).matches()) {
            try {
                ObjectId id = repo.resolve(ref + "^{commit}");
                if (id != null) return id;
            } catch (org.eclipse.jgit.errors.AmbiguousObjectException e) {
                throw new RepoCheckoutException("ref '" + ref + "' in " + remote.safeUrl()
                        + " is an ambiguous abbreviated commit id: give more characters");
            } catch (org.eclipse.jgit.errors.RevisionSyntaxException | org.eclipse.jgit.errors.MissingObjectException
                     | org.eclipse.jgit.errors.IncorrectObjectTypeException e) {
                // not a commit: fall through to the error below
            }
        }
        throw new RepoCheckoutException(unknownRef(repo, remote, ref));
    }

    private static String unknownRef(Repository repo, Remote remote, String ref) {
        List<String> branches = List.of();
        List<String> tags = List.of();
        try {
            branches = repo.getRefDatabase().getRefsByPrefix("refs/remotes/origin/").stream()
                    .map(r -> r.getName().substring("refs/remotes/origin/".length()))
                    .filter(n -> !n.equals("HEAD")).sorted().toList();
            tags = repo.getRefDatabase().getRefsByPrefix("refs/tags/").stream()
                    .map(r -> r.getName().substring("refs/tags/".length())).sorted(Comparator.reverseOrder()).toList();
        } catch (IOException e) {
            // keep the message without the lists
        }
        return "unknown ref '" + ref + "' in " + remote.safeUrl() + ": no branch, tag or commit of that name"
                + " (branches: " + first(branches) + "; tags: " + first(tags) + ")";
    }

    private static String first(List<String> names) {
        if (names.isEmpty()) return "none";
        return names.size() <= 10 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 10)) + ", ... " + (names.size() - 10) + " more";
    }

    private String explain(Exception e, Remote remote) {
        String msg = String.valueOf(e.getMessage());
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t.getMessage() != null && !msg.contains(t.getMessage())) msg = msg + ": " + t.getMessage();
        }
        String lower = msg.toLowerCase();
        if (lower.contains("not authorized") || lower.contains("authentication is required")
                || lower.contains("401") || lower.contains("403") || lower.contains("auth fail")
                || lower.contains("cannot log in")) {
            String how = remote.isHttp()
                    ? (remote.hasToken() ? "the token in " + (remote.tokenInUrl() ? "the URL" : "$" + tokenEnv)
                            + " was refused (wrong, expired or lacking read access)"
                    : "set $" + tokenEnv + " to a token with read access")
                    : "check that your ssh key is authorised for this repository";
            // ssh: keep the client's account of which keys it tried (paths only, never key material)
            String detail = remote.isHttp() ? "" : msg.lines().filter(l -> l.startsWith("publickey:"))
                    .reduce((a, b) -> a + "; " + b).map(d -> " (" + d + ")").orElse("");
            return "cannot read the desired-state repo " + remote.safeUrl() + ": authentication failed; " + how + detail;
        }
        if (e instanceof InvalidRemoteException || lower.contains("not found") || lower.contains("does not appear to be a git repository")) {
            return "cannot read the desired-state repo " + remote.safeUrl() + ": no git repository there (" + msg + ")";
        }
        return "cannot read the desired-state repo " + remote.safeUrl() + ": " + msg;
    }

    private TransportConfigCallback transportConfig() {
        return transport -> {
            if (transport instanceof SshTransport ssh) ssh.setSshSessionFactory(sshFactory());
        };
    }

    private SshdSessionFactory sshFactory;

    private synchronized SshdSessionFactory sshFactory() {
        if (sshFactory == null) {
            File home = new File(System.getProperty("user.home"));
            sshFactory = new SshdSessionFactoryBuilder().setHomeDirectory(home)
                    .setSshDirectory(sshDirectory != null ? sshDirectory.toFile() : new File(home, ".ssh"))
                    .build(null);
        }
        return sshFactory;
    }

    static String hash(String url) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(url.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                p.toFile().setWritable(true);
                Files.deleteIfExists(p);
            }
        }
    }

    /** A remote URL split into a printable URL without credentials and the credentials to send. */
    record Remote(String safeUrl, String user, String token, boolean isHttp, boolean tokenInUrl) {
        static Remote parse(String url, String envToken, String envUser) {
            String safe = url;
            String user = envUser;
            String token = envToken;
            boolean inUrl = false;
            boolean http = url.regionMatches(true, 0, "http://", 0, 7) || url.regionMatches(true, 0, "https://", 0, 8);
            if (!http && url.matches("(?i)^[a-z][a-z0-9+.-]*://[^/@]*:[^/@]*@.*")) {
                throw new RepoCheckoutException("a password in a non-https git URL is not supported: "
                        + "use an ssh key (ssh) or a token in $" + DEFAULT_TOKEN_ENV + " (https)");
            }
            if (http) {
                try {
                    URIish u = new URIish(url);
                    if (u.getPass() != null) {
                        token = u.getPass();
                        user = u.getUser();
                        inUrl = true;
                    } else if (u.getUser() != null && token == null) {
                        // https://TOKEN@host/... (a token in the user part, as some CI systems write it)
                        token = u.getUser();
                        inUrl = true;
                    } else if (u.getUser() != null) {
                        user = u.getUser(); // https://bot@host/... with the token from the environment
                    }
                    safe = u.setUser(null).setPass(null).toString();
                } catch (URISyntaxException e) {
                    throw new RepoCheckoutException("not a valid git URL: " + url.replaceAll("//[^/@]*@", "//"));
                }
            }
            return new Remote(safe, user, token, http, inUrl);
        }

        boolean hasToken() {
            return token != null && !token.isEmpty();
        }

        CredentialsProvider credentials() {
            return isHttp && hasToken() ? new UsernamePasswordCredentialsProvider(user, token) : null;
        }

        /** Removes the token from a message, whatever put it there. */
        String scrub(String message) {
            return hasToken() && token.length() >= 4 ? message.replace(token, "****") : message;
        }

        @Override
        public String toString() {
            return safeUrl; // never the token
        }
    }
}
