package io.kubechores.rightsize;

import io.kubechores.model.rightsize.Observation;

import io.kubechores.desiredstate.RightsizePolicySpec.ManifestSource;
import io.kubechores.desiredstate.SafePaths;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Finds the file (and document or Helm values path) that defines a workload's resources. In order:
 * <ol>
 *   <li>{@code kubechores.io/source} annotation: {@code path/to/file.yaml} or, for Helm values,
 *       {@code path/to/values.yaml#dotted.values.path} (the path may hold {container}).</li>
 *   <li>GitOps tracking: Argo CD ({@code argocd.argoproj.io/tracking-id} annotation, {@code app.kubernetes.io/instance}
 *       label) and Flux ({@code kustomize.toolkit.fluxcd.io/name}, {@code helm.toolkit.fluxcd.io/name} labels or
 *       annotations) name an application; the policy's source files whose path holds that name (as a folder or
 *       file name, or every dash-separated part of it) are searched. Helm values files are only ever matched this way.</li>
 *   <li>A search of every manifest/kustomize file matched by the policy's sources for a document with the workload's
 *       kind, name and (when written) namespace.</li>
 * </ol>
 * Several matches are narrowed to the one whose path holds the cluster's name or environment (an overlay per
 * environment); anything still ambiguous or not found is reported with the reason and never guessed.
 */
public final class ManifestLocator {
    public static final String SOURCE_ANNOTATION = "kubechores.io/source";
    public static final String ARGOCD_TRACKING_ID = "argocd.argoproj.io/tracking-id";
    public static final String APP_INSTANCE = "app.kubernetes.io/instance";
    public static final String FLUX_KUSTOMIZATION = "kustomize.toolkit.fluxcd.io/name";
    public static final String FLUX_HELMRELEASE = "helm.toolkit.fluxcd.io/name";

    private final Path root;
    private final List<ManifestSource> sources;
    private final Map<String, String> environments;
    /** repo-relative file → the source entry that matched it (first wins), in path order */
    private final Map<String, ManifestSource> files = new LinkedHashMap<>();
    private final Map<String, Optional<String>> contents = new ConcurrentHashMap<>();
    /** repo-relative path → why it is never read (a symbolic link, a path out of the checkout) */
    private final Map<String, String> refused = new ConcurrentHashMap<>();
    private final Map<String, String> refusedSources = new LinkedHashMap<>();
    private final Map<String, List<ResourcesEditor.DocumentId>> documents = new ConcurrentHashMap<>();
    private final Map<String, List<String>> segments = new ConcurrentHashMap<>();
    private final Map<String, Optional<ResourcesEditor.Parsed>> parsedFiles = new ConcurrentHashMap<>();
    /** file → one-line reason it cannot be read (file:line:col: parser reason, too large, outside the checkout) */
    private final Map<String, String> unreadable = new ConcurrentHashMap<>();
    private final Map<String, List<String>> byAppName = new ConcurrentHashMap<>();
    /** kind/name → manifest/kustomize files declaring it (built on the first search) */
    private volatile Map<String, List<String>> byObject;

    /**
     * @param root         checked-out desired-state repo
     * @param sources      the policy's sources (globs relative to root)
     * @param environments cluster name → environment (disambiguates overlays)
     */
    public ManifestLocator(Path root, List<ManifestSource> sources, Map<String, String> environments) {
        this.root = root;
        this.sources = List.copyOf(sources);
        this.environments = Map.copyOf(environments);
        index();
    }

    private void index() {
        List<String> all;
        try (Stream<Path> walk = Files.walk(root)) {
            // links are listed, never followed: a committed link may point out of the checkout
            List<Path> paths = walk.filter(p -> Files.isSymbolicLink(p)
                    || Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).toList();
            all = new ArrayList<>();
            for (Path p : paths) {
                String rel = relative(root.relativize(p));
                if (rel.startsWith(".git/")) continue;
                if (Files.isSymbolicLink(p)) refused.put(rel, "is a symbolic link; links are not followed in the desired-state repo");
                else all.add(rel);
            }
            all.sort(null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
        for (ManifestSource s : sources) {
            PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + s.path());
            for (String f : all) {
                if (m.matches(Path.of(f))) files.putIfAbsent(f, s);
            }
            for (String f : refused.keySet()) {
                if (m.matches(Path.of(f))) {
                    refusedSources.putIfAbsent(f, refused.get(f));
                    unreadable.putIfAbsent(f, f + ": refused: " + refused.get(f) + "; not read");
                }
            }
        }
    }

    /** Files the policy's sources match that are refused (links), with the reason; they are never read. */
    public Map<String, String> refusedFiles() {
        return Map.copyOf(refusedSources);
    }

    /** Files matched by the policy's sources. */
    public Set<String> files() {
        return files.keySet();
    }

    /** Content of a repo file (cached), empty when it does not exist. */
    public Optional<String> content(String file) {
        return contents.computeIfAbsent(file, f -> {
            Optional<Path> p;
            try {
                p = SafePaths.existingFile(root, f);
            } catch (SafePaths.UnsafePathException e) {
                refused.put(f, e.reason());
                unreadable.put(f, f + ": refused: " + e.reason() + "; not read");
                return Optional.empty();
            }
            if (p.isEmpty()) return Optional.empty();
            try {
                if (Files.size(p.get()) > MAX_FILE_BYTES) {
                    unreadable.put(f, f + ": " + Files.size(p.get()) + " bytes, over the " + MAX_FILE_BYTES
                            + "-byte limit; not read");
                    return Optional.empty();
                }
                return Optional.of(Files.readString(p.get()));
            } catch (IOException e) {
                unreadable.put(f, f + ": cannot be read (" + e.getClass().getSimpleName() + ")");
                return Optional.empty();
            }
        });
    }

    /** Desired-state files are kilobytes; the largest real chart values file in the corpus is ~210 KB. */
    static final long MAX_FILE_BYTES = 4L * 1024 * 1024;

    /** Why a source file could not be read or parsed, one line each (file:line:col: reason), in path order. */
    public List<String> unreadable() {
        return unreadable.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(Map.Entry::getValue).toList();
    }

    private List<ResourcesEditor.DocumentId> docs(String file) {
        return documents.computeIfAbsent(file, f -> parsed(f).map(ResourcesEditor::documents).orElse(List.of()));
    }

    /**
     * The file parsed once (node tree with exact positions, reused for locating, reading and editing); empty when it
     * does not exist or is not YAML (never matched, never edited; the reason is in {@link #unreadable()}).
     */
    public Optional<ResourcesEditor.Parsed> parsed(String file) {
        return parsedFiles.computeIfAbsent(file, f -> {
            try {
                return content(f).map(c -> ResourcesEditor.parsed(f, c));
            } catch (RuntimeException e) {
                unreadable.put(f, e.getMessage());
                return Optional.empty();
            }
        });
    }

    public Located locate(Observation o) {
        String explicit = o.annotations().get(SOURCE_ANNOTATION);
        if (explicit != null && !explicit.isBlank()) return explicit(o, explicit.trim());

        List<String> why = new ArrayList<>();
        for (String[] hint : hints(o)) {
            List<String> narrowed = narrowByName(hint[1]);
            if (narrowed.isEmpty()) {
                why.add(hint[0] + " " + hint[1] + " matches no source path");
                continue;
            }
            List<SourceRef> found = new ArrayList<>();
            for (String f : narrowed) found.addAll(matches(o, f, true));
            Located l = pick(o, found, hint[0] + " " + hint[1]);
            if (l.found()) return l;
            why.add(l.how());
        }
        List<SourceRef> found = new ArrayList<>();
        for (String f : objectIndex().getOrDefault(o.kind() + "/" + o.name(), List.of())) {
            found.addAll(matches(o, f, false));
        }
        Located l = pick(o, found, "search of policy sources");
        if (l.found() || why.isEmpty()) return l;
        return new Located(o, null, String.join("; ", why) + "; " + l.how());
    }

    private Located explicit(Observation o, String value) {
        String file = value;
        String valuesPath = null;
        int hash = value.indexOf('#');
        if (hash >= 0) {
            file = value.substring(0, hash);
            valuesPath = value.substring(hash + 1);
        }
        String how = SOURCE_ANNOTATION + " " + value;
        if (content(file).isEmpty()) {
            String why = refused.get(file);
            return new Located(o, null, how + (why != null ? ": refused: " + why : ": no such file in the repo"));
        }
        if (valuesPath != null) {
            SourceRef ref = new SourceRef(file, "helm", null, null, null, valuesPath);
            return helmMatches(o, ref) ? new Located(o, ref, how)
                    : new Located(o, null, how + ": no values block at " + valuesPath);
        }
        final String f = file;
        ManifestSource s = files.get(f);
        String shape = s == null || "helm".equals(s.shape()) ? "manifest" : s.shape();
        return docs(f).stream().filter(d -> sameObject(o, d)).findFirst()
                .map(d -> new Located(o, new SourceRef(f, shape, o.kind(), o.namespace(), o.name(), null), how))
                .orElse(new Located(o, null, how + ": the file does not define " + o.kind() + " " + o.namespace()
                        + "/" + o.name()));
    }

    /** {label, application name} pairs from GitOps tracking metadata, strongest first. */
    static List<String[]> hints(Observation o) {
        List<String[]> out = new ArrayList<>();
        String tracking = o.annotations().get(ARGOCD_TRACKING_ID);
        if (tracking != null && tracking.contains(":")) {
            String app = tracking.substring(0, tracking.indexOf(':'));
            if (app.contains("_")) app = app.substring(app.indexOf('_') + 1); // apps in any namespace: ns_app
            out.add(new String[]{"argocd app", app});
        }
        for (String[] k : new String[][]{{FLUX_HELMRELEASE, "flux helmrelease"},
                {FLUX_KUSTOMIZATION, "flux kustomization"}, {APP_INSTANCE, "argocd app"}}) {
            String v = o.labels().getOrDefault(k[0], o.annotations().get(k[0]));
            if (v != null && !v.isBlank() && out.stream().noneMatch(h -> h[1].equals(v))) {
                out.add(new String[]{k[1], v});
            }
        }
        return out;
    }

    /** Source files whose path names the application: as one segment, else every dash/underscore part of it. */
    private List<String> narrowByName(String app) {
        return byAppName.computeIfAbsent(app, a -> {
            List<String> whole = files.keySet().stream().filter(f -> segmentsOf(f).contains(a)).toList();
            if (!whole.isEmpty()) return whole;
            List<String> parts = Arrays.asList(a.split("[-_]"));
            return files.keySet().stream().filter(f -> segmentsOf(f).containsAll(parts)).toList();
        });
    }

    private Map<String, List<String>> objectIndex() {
        Map<String, List<String>> idx = byObject;
        if (idx == null) {
            synchronized (this) {
                if (byObject == null) {
                    Map<String, List<String>> m = new java.util.HashMap<>();
                    for (var f : files.entrySet()) {
                        if ("helm".equals(f.getValue().shape())) continue;
                        for (ResourcesEditor.DocumentId d : docs(f.getKey())) {
                            List<String> l = m.computeIfAbsent(d.kind() + "/" + d.name(), k -> new ArrayList<>());
                            if (!l.contains(f.getKey())) l.add(f.getKey());
                        }
                    }
                    byObject = m;
                }
                idx = byObject;
            }
        }
        return idx;
    }

    private List<String> segmentsOf(String file) {
        return segments.computeIfAbsent(file, ManifestLocator::segments);
    }

    private List<SourceRef> matches(Observation o, String file, boolean allowHelm) {
        ManifestSource s = files.get(file);
        if (s == null) return List.of();
        if ("helm".equals(s.shape())) {
            if (!allowHelm || s.valuesPath() == null) return List.of();
            SourceRef ref = new SourceRef(file, "helm", null, null, null, s.valuesPath());
            return helmMatches(o, ref) ? List.of(ref) : List.of();
        }
        return docs(file).stream().filter(d -> sameObject(o, d))
                .map(d -> new SourceRef(file, s.shape(), o.kind(), o.namespace(), o.name(), null)).limit(1).toList();
    }

    private boolean helmMatches(Observation o, SourceRef ref) {
        Optional<ResourcesEditor.Parsed> parsed = parsed(ref.file());
        if (parsed.isEmpty()) return false;
        for (Observation.ContainerRecommendation r : o.recommendations()) {
            if (ResourcesEditor.hasValuesPath(parsed.get(), ref.valuesPathFor(r.container()))) return true;
        }
        return false;
    }

    private static boolean sameObject(Observation o, ResourcesEditor.DocumentId d) {
        return d.kind().equals(o.kind()) && d.name().equals(o.name())
                && (d.namespace() == null || d.namespace().equals(o.namespace()));
    }

    private Located pick(Observation o, List<SourceRef> found, String via) {
        String what = o.kind() + " " + o.namespace() + "/" + o.name();
        if (found.size() == 1) return new Located(o, found.getFirst(), via);
        if (found.isEmpty()) return new Located(o, null, via + ": no file defines " + what);
        Set<String> marks = new HashSet<>();
        marks.add(o.cluster());
        String env = environments.get(o.cluster());
        if (env != null) marks.add(env);
        List<SourceRef> narrowed = found.stream()
                .filter(r -> segmentsOf(r.file()).stream().anyMatch(marks::contains)).toList();
        if (narrowed.size() == 1) {
            return new Located(o, narrowed.getFirst(), via + ", overlay for " + (env == null ? o.cluster() : env));
        }
        return new Located(o, null, via + ": ambiguous, " + found.size() + " files define " + what + " ("
                + String.join(", ", found.stream().map(SourceRef::file).toList()) + ")");
    }

    /** Folder names and the file name without extension. */
    static List<String> segments(String file) {
        List<String> s = new ArrayList<>(Arrays.asList(file.split("/")));
        String last = s.removeLast();
        int dot = last.lastIndexOf('.');
        s.add(dot > 0 ? last.substring(0, dot) : last);
        return s;
    }

    private static String relative(Path p) {
        return p.toString().replace('\\', '/');
    }
}
