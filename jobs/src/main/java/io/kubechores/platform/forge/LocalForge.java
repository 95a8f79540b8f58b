package io.kubechores.platform.forge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A forge in a folder, like Renovate's "local" platform: the branch is pushed to the desired-state remote as usual and
 * the PR is recorded as files:
 * <pre>
 * &lt;forgeDir&gt;/&lt;job&gt;/&lt;topic&gt;/pr.json   id, state (OPEN | CLOSED | MERGED), title, branch, base, labels, headSha, created, updated
 * &lt;forgeDir&gt;/&lt;job&gt;/&lt;topic&gt;/pr.md     the body (Markdown, with the hidden topic marker)
 * &lt;forgeDir&gt;/&lt;job&gt;/&lt;topic&gt;/pr.diff   what the branch changes against the base (unified diff, for reviewers)
 * &lt;forgeDir&gt;/&lt;job&gt;/&lt;topic&gt;/history/  earlier PRs of the topic (&lt;id&gt;.json + &lt;id&gt;.md) when a new one replaced them
 * </pre>
 * A human closes (or merges) a PR by editing {@code state} in pr.json. Ids are numbers unique within the folder (the
 * last one given is kept in {@code <forgeDir>/.last-id}).
 */
public final class LocalForge implements ForgeClient {

    static final String BRANCH_PREFIX = "kubechores/";
    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private final Path forgeDir;
    private final Clock clock;

    public LocalForge(Path forgeDir, Clock clock) {
        this.forgeDir = forgeDir.toAbsolutePath().normalize();
        this.clock = clock;
    }

    public Path forgeDir() {
        return forgeDir;
    }

    @Override
    public String type() {
        return "local";
    }

    /** The folder of a branch's PR: kubechores/&lt;job&gt;/&lt;topic&gt; → &lt;forgeDir&gt;/&lt;job&gt;/&lt;topic&gt;. */
    public Path folderOf(String branch) {
        String rel = branch.startsWith(BRANCH_PREFIX) ? branch.substring(BRANCH_PREFIX.length()) : branch;
        Path dir = forgeDir.resolve(rel).normalize();
        if (!dir.startsWith(forgeDir) || dir.equals(forgeDir)) {
            throw new IllegalArgumentException("branch outside the forge folder: " + branch);
        }
        return dir;
    }

    @Override
    public synchronized List<PullRequest> findByBranch(String branch) {
        Path dir = folderOf(branch);
        List<PullRequest> out = new ArrayList<>();
        read(dir.resolve("pr.json"), dir.resolve("pr.md")).filter(p -> branch.equals(p.branch())).ifPresent(out::add);
        Path history = dir.resolve("history");
        if (Files.isDirectory(history)) {
            try (Stream<Path> files = Files.list(history)) {
                files.filter(f -> f.getFileName().toString().endsWith(".json")).forEach(f -> {
                    String name = f.getFileName().toString();
                    Path md = f.resolveSibling(name.substring(0, name.length() - 5) + ".md");
                    read(f, md).filter(p -> branch.equals(p.branch())).ifPresent(out::add);
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        out.sort(Comparator.comparingLong((PullRequest p) -> Long.parseLong(p.id())).reversed());
        return out;
    }

    @Override
    public synchronized List<PullRequest> listOpen(String branchPrefix) {
        List<PullRequest> out = new ArrayList<>();
        for (Path json : currentPrFiles()) {
            read(json, json.resolveSibling("pr.md"))
                    .filter(p -> p.isOpen() && p.branch() != null && p.branch().startsWith(branchPrefix))
                    .ifPresent(out::add);
        }
        out.sort(Comparator.comparingLong((PullRequest p) -> Long.parseLong(p.id())));
        return out;
    }

    @Override
    public synchronized PullRequest create(String branch, String base, String title, String body, List<String> labels,
                                           String headSha) {
        Path dir = folderOf(branch);
        Path json = dir.resolve("pr.json");
        Path md = dir.resolve("pr.md");
        Optional<PullRequest> current = read(json, md);
        if (current.isPresent() && current.get().isOpen()) {
            throw new AlreadyExistsException("a pull request is already open for " + branch + ": #" + current.get().id());
        }
        try {
            if (current.isPresent()) {
                Path history = Files.createDirectories(dir.resolve("history"));
                Files.move(json, history.resolve(current.get().id() + ".json"), StandardCopyOption.REPLACE_EXISTING);
                if (Files.exists(md)) {
                    Files.move(md, history.resolve(current.get().id() + ".md"), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.createDirectories(dir);
            String now = clock.instant().toString();
            ObjectNode node = JSON.createObjectNode();
            node.put("id", nextId());
            node.put("state", PullRequest.State.OPEN.name());
            node.put("title", title);
            node.put("branch", branch);
            node.put("base", base);
            node.putPOJO("labels", List.copyOf(new LinkedHashSet<>(labels)));
            node.put("headSha", headSha);
            node.put("created", now);
            node.put("updated", now);
            write(md, body);
            write(json, JSON.writeValueAsString(node) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("local forge " + dir + ": " + e.getMessage(), e);
        }
        return read(json, md).orElseThrow();
    }

    @Override
    public synchronized PullRequest update(PullRequest existing, String title, String body, List<String> addLabels,
                                           String headSha) {
        Path dir = folderOf(existing.branch());
        Path json = dir.resolve("pr.json");
        Path md = dir.resolve("pr.md");
        try {
            ObjectNode node = (ObjectNode) JSON.readTree(json.toFile());
            if (!String.valueOf(node.path("id").asLong()).equals(existing.id())) {
                throw new ForgeException("local forge: " + json + " no longer holds #" + existing.id(), 404);
            }
            if (title != null) {
                node.put("title", title);
            }
            LinkedHashSet<String> labels = new LinkedHashSet<>();
            node.path("labels").forEach(l -> labels.add(l.asText()));
            labels.addAll(addLabels == null ? List.of() : addLabels);
            node.putPOJO("labels", List.copyOf(labels));
            if (headSha != null) {
                node.put("headSha", headSha);
            }
            node.put("updated", clock.instant().toString());
            if (body != null) {
                write(md, body);
            }
            write(json, JSON.writeValueAsString(node) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("local forge " + dir + ": " + e.getMessage(), e);
        }
        return read(json, md).orElseThrow();
    }

    /** Comments: &lt;forgeDir&gt;/&lt;job&gt;/&lt;topic&gt;/comments/NNN.md, one file per comment, in order. */
    @Override
    public synchronized List<String> comments(PullRequest pr) {
        Path dir = folderOf(pr.branch()).resolve("comments");
        if (!Files.isDirectory(dir)) return List.of();
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            List<String> out = new ArrayList<>();
            for (Path p : s.filter(f -> f.getFileName().toString().endsWith(".md")).sorted().toList()) {
                out.add(Files.readString(p));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("local forge " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void comment(PullRequest pr, String body) {
        Path dir = folderOf(pr.branch()).resolve("comments");
        try {
            Files.createDirectories(dir);
            int n = comments(pr).size() + 1;
            write(dir.resolve(String.format("%03d.md", n)), body);
        } catch (IOException e) {
            throw new UncheckedIOException("local forge " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Records what the PR's branch changes (pr.diff next to pr.json), so a reviewer needs no git client. */
    public synchronized void writeDiff(String branch, String diff) {
        Path dir = folderOf(branch);
        try {
            if (Files.isDirectory(dir)) {
                write(dir.resolve("pr.diff"), diff);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("local forge " + dir + ": " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private List<Path> currentPrFiles() {
        if (!Files.isDirectory(forgeDir)) {
            return List.of();
        }
        try (Stream<Path> all = Files.walk(forgeDir, 6)) {
            return all.filter(p -> p.getFileName().toString().equals("pr.json"))
                    .filter(p -> !p.getParent().getFileName().toString().equals("history"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Next PR number: kept in &lt;forgeDir&gt;/.last-id (recounted from the pr.json files when that file is missing). */
    private long nextId() throws IOException {
        Files.createDirectories(forgeDir);
        Path counter = forgeDir.resolve(".last-id");
        long last = -1;
        if (Files.isRegularFile(counter)) {
            try {
                last = Long.parseLong(Files.readString(counter).trim());
            } catch (NumberFormatException broken) {
                last = -1;
            }
        }
        if (last < 0) {
            last = 0;
            try (Stream<Path> all = Files.walk(forgeDir, 8)) {
                for (Path p : all.filter(f -> f.getFileName().toString().endsWith(".json")).toList()) {
                    try {
                        last = Math.max(last, JSON.readTree(p.toFile()).path("id").asLong(0));
                    } catch (IOException ignored) {
                        // a file a human broke does not stop numbering
                    }
                }
            }
        }
        write(counter, (last + 1) + "\n");
        return last + 1;
    }

    private Optional<PullRequest> read(Path json, Path md) {
        if (!Files.isRegularFile(json)) {
            return Optional.empty();
        }
        try {
            JsonNode n = JSON.readTree(json.toFile());
            String body = Files.isRegularFile(md) ? Files.readString(md, StandardCharsets.UTF_8) : "";
            List<String> labels = new ArrayList<>();
            n.path("labels").forEach(l -> labels.add(l.asText()));
            String topic = TopicMarker.read(body).map(TopicMarker.Topic::topic).orElse(null);
            return Optional.of(new PullRequest(String.valueOf(n.path("id").asLong()), md.toString(),
                    text(n, "branch"), topic, state(text(n, "state"), json), text(n, "title"), body,
                    text(n, "headSha"), labels));
        } catch (IOException e) {
            throw new UncheckedIOException("local forge: cannot read " + json + ": " + e.getMessage(), e);
        }
    }

    private static PullRequest.State state(String s, Path file) {
        if (s == null) {
            return PullRequest.State.OPEN;
        }
        try {
            return PullRequest.State.valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ForgeException("local forge: " + file + ": state must be OPEN, CLOSED or MERGED, not '" + s + "'",
                    400);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static void write(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
