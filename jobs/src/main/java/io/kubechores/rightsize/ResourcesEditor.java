package io.kubechores.rightsize;

import io.kubechores.model.rightsize.Quantities;
import io.kubechores.model.rightsize.ResourceValues;

import io.kubechores.yaml.SourceYaml;
import io.kubechores.yaml.SourceYaml.Ref;
import io.kubechores.yaml.YamlEditException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and edits container resources in YAML files without re-serialising them ({@link SourceYaml}: exact node
 * positions, textual splice of the changed scalars, every edit proven by a re-parse). Comments, key order,
 * indentation, quoting, CRLF, BOM and document markers stay byte-for-byte, so a PR's diff shows only the values.
 * <p>
 * Rules:
 * <ul>
 *   <li>Nulls ({@code cpu:}, {@code cpu: ~}, {@code cpu: null}) are "not set"; {@code resources: {}},
 *       {@code resources: null} / empty, and blocks whose every field is unset ({@code requests: {}}) are
 *       placeholders that an edit fills with a minimal block at the file's indentation.</li>
 *   <li>Merge keys ({@code <<: *defaults}) are read as the values they merge; aliases are read through.</li>
 *   <li>A container whose block is reached through an alias or merge key, or is (or lies under) an anchor that
 *       an alias elsewhere uses, is read but never edited: it is skipped with the anchor, file and line.</li>
 *   <li>One bad file or container is a skipped block with a one-line reason, never an exception for the run.</li>
 * </ul>
 * Shapes: a manifest or kustomize patch (a document, or an item of a {@code kind: List}, with kind +
 * metadata.name; containers and initContainers under the kind's pod spec, see {@link #POD_SPECS}), or a values
 * path ({@code a.b.resources}, with {@code [key=value]} / {@code [n]} selectors for lists, e.g. Katib's
 * {@code runtime.suggestions[algorithmName=random].resources}) for Helm values and any custom resource.
 */
public final class ResourcesEditor {
    private ResourcesEditor() {}

    /**
     * Where containers live per kind (paths to a pod spec, or to one container mapping). Custom resources not
     * listed here are reported as unsupported by kind name; point {@code kubechores.io/source} at
     * {@code file#values.path} to reach them. KServe: ServingRuntime spec (containers, workerSpec.containers) and
     * ClusterStorageContainer spec.container (kserve.github.io/website, "Serving Runtimes", "Storage Containers").
     */
    public static final Map<String, List<String>> POD_SPECS = Map.ofEntries(
            Map.entry("Pod", List.of("spec")),
            Map.entry("PodTemplate", List.of("template.spec")),
            Map.entry("Deployment", List.of("spec.template.spec")),
            Map.entry("StatefulSet", List.of("spec.template.spec")),
            Map.entry("DaemonSet", List.of("spec.template.spec")),
            Map.entry("ReplicaSet", List.of("spec.template.spec")),
            Map.entry("ReplicationController", List.of("spec.template.spec")),
            Map.entry("Job", List.of("spec.template.spec")),
            Map.entry("CronJob", List.of("spec.jobTemplate.spec.template.spec")),
            Map.entry("Rollout", List.of("spec.template.spec")),
            Map.entry("ServingRuntime", List.of("spec", "spec.workerSpec")),
            Map.entry("ClusterServingRuntime", List.of("spec", "spec.workerSpec")),
            Map.entry("ClusterStorageContainer", List.of("spec.container")));

    /** kind / metadata.name / metadata.namespace of one YAML document (namespace null when not written). */
    public record DocumentId(String kind, String name, String namespace) {}

    /**
     * What the source says for one container.
     *
     * @param values  requests/limits as written (null fields: not set); placeholder() when there is nothing to read
     * @param skipped why the container cannot be edited (anchor/alias/merge, not a mapping, bad quantity); null if ok
     * @param line    line of the resources block (0 when unknown)
     */
    public record Block(ResourceValues values, String skipped, int line) {
        public boolean editable() {
            return skipped == null;
        }
    }

    /** The result of applying edits: the new content, blocks that had to be added, and edits refused (with why). */
    public record Applied(String content, List<String> added, List<String> refused, List<String> comments) {}

    /** One container's wanted values in one source block. */
    public record Edit(SourceRef source, String container, ResourceValues values) {}

    /** A file parsed once, for repeated look-ups (the locator asks one values file about many workloads). */
    public static final class Parsed {
        private final SourceYaml yaml;

        private Parsed(SourceYaml yaml) {
            this.yaml = yaml;
        }

        public String content() {
            return yaml.content();
        }

        public String file() {
            return yaml.file();
        }

        SourceYaml yaml() {
            return yaml;
        }
    }

    /** @throws YamlEditException {@code file:line:col: reason} when it is not YAML */
    public static Parsed parsed(String file, String content) {
        return new Parsed(SourceYaml.parse(file, content));
    }

    public static Parsed parsed(String content) {
        return parsed("<yaml>", content);
    }

    /** The Kubernetes objects a file declares (documents without kind or name are ignored; List items count). */
    public static List<DocumentId> documents(String content) {
        return documents(parsed(content));
    }

    public static List<DocumentId> documents(Parsed file) {
        List<DocumentId> out = new ArrayList<>();
        for (Ref d : objects(file.yaml())) {
            SourceYaml y = file.yaml();
            String kind = SourceYaml.text(y.get(d, "kind"));
            Ref meta = y.get(d, "metadata");
            String name = SourceYaml.text(y.get(meta, "name"));
            if (kind != null && name != null) out.add(new DocumentId(kind, name, SourceYaml.text(y.get(meta, "namespace"))));
        }
        return out;
    }

    /** True when the values file has a resources block (a mapping or a {}/null placeholder) at the path. */
    public static boolean hasValuesPath(String content, String dottedPath) {
        return hasValuesPath(parsed(content), dottedPath);
    }

    public static boolean hasValuesPath(Parsed file, String dottedPath) {
        for (Ref d : file.yaml().documents()) {
            Ref r = path(file.yaml(), d, dottedPath);
            if (r != null && (r.isMapping() || r.isPlaceholder())) return true;
        }
        SourceRef ref = new SourceRef(file.file(), "helm", null, null, null, dottedPath);
        Target t = target(file.yaml(), ref, "");
        return commented(file.yaml(), t, lastKey(ref, "")) >= 0;
    }

    /** What the source says per container (containers without a resources block, or not editable, are absent). */
    public static Map<String, ResourceValues> read(String content, SourceRef ref, Collection<String> containers) {
        Map<String, ResourceValues> out = new LinkedHashMap<>();
        blocks(parsed(ref.file(), content), ref, containers).forEach((c, b) -> {
            if (b.editable()) out.put(c, b.values());
        });
        return out;
    }

    /** Several blocks of one file, parsed once: block key → container → block (absent: not in the source). */
    public static Map<String, Map<String, Block>> readAll(Parsed file, Map<SourceRef, ? extends Collection<String>> blocks) {
        Map<String, Map<String, Block>> out = new LinkedHashMap<>();
        blocks.forEach((ref, containers) -> out.put(ref.key(), blocks(file, ref, containers)));
        return out;
    }

    public static Map<String, Block> blocks(Parsed file, SourceRef ref, Collection<String> containers) {
        Map<String, Block> out = new LinkedHashMap<>();
        for (String c : containers) {
            Block b = block(file.yaml(), ref, c);
            if (b != null) out.put(c, b);
        }
        return out;
    }

    /** The resources block of one container: null when the source does not write one. */
    static Block block(SourceYaml y, SourceRef ref, String container) {
        Target t;
        try {
            t = target(y, ref, container);
        } catch (YamlEditException e) {
            return new Block(ResourceValues.NONE, e.getMessage(), 0);
        }
        if (t != null && t.resources() == null && commented(y, t, lastKey(ref, container)) >= 0) {
            String shared = y.sharing(t.owner());
            return new Block(ResourceValues.PLACEHOLDER, shared == null ? null : y.where(t.owner()) + ": container "
                    + container + ": " + shared, y.line(t.owner().node()));
        }
        if (t == null || t.resources() == null) return null;
        return read(y, t.resources(), container);
    }

    /** Reads a resources node: values, placeholder, or why it cannot be edited. */
    static Block read(SourceYaml y, Ref res, String container) {
        int line = res.key() != null ? y.line(res.key()) : y.line(res.node());
        String where = y.where(res) + ": container " + container + ": ";
        if (res.isPlaceholder()) {
            String shared = y.sharing(res);
            return new Block(ResourceValues.PLACEHOLDER, shared == null ? null : where + "resources " + shared, line);
        }
        if (!res.isMapping()) return new Block(ResourceValues.NONE, where + "resources is not a mapping", line);
        String shared = y.sharing(res);
        String[] v = new String[4];
        for (int i = 0; i < 4; i++) {
            String[] parts = ResourceValues.FIELDS.get(i).split("\\.");
            Ref section = y.get(res, parts[0]);
            if (section == null || section.isPlaceholder()) continue;
            if (!section.isMapping()) return new Block(ResourceValues.NONE, where + parts[0] + " is not a mapping", line);
            Ref r = y.get(section, parts[1]);
            if (r == null || SourceYaml.isNull(r.node())) continue;
            v[i] = SourceYaml.text(r);
            if (v[i] == null) {
                return new Block(ResourceValues.NONE, where + ResourceValues.FIELDS.get(i) + " is not a scalar", line);
            }
            if (shared == null) shared = y.sharing(r);
            try {
                if (ResourceValues.isCpu(ResourceValues.FIELDS.get(i))) Quantities.cpuMillis(v[i]);
                else Quantities.memoryBytes(v[i]);
            } catch (RuntimeException e) {
                return new Block(ResourceValues.NONE, y.where(r.node()) + ": container " + container + ": "
                        + ResourceValues.FIELDS.get(i) + ": " + e.getMessage(), line);
            }
        }
        ResourceValues values = v[0] == null && v[1] == null && v[2] == null && v[3] == null ? ResourceValues.PLACEHOLDER
                : new ResourceValues(v[0], v[1], v[2], v[3]);
        return new Block(values, shared == null ? null : where + "resources " + shared, line);
    }

    /**
     * Applies proposed values to the file.
     *
     * @param edits per source block and container: the values the file should hold (null fields are not touched)
     * @return the new content; the same instance when nothing differs
     * @throws YamlEditException when an edit is refused
     */
    public static String apply(String content, List<Edit> edits) {
        String file = edits.isEmpty() ? "<yaml>" : edits.getFirst().source().file();
        Applied a = apply(parsed(file, content), edits);
        if (!a.refused().isEmpty()) throw new YamlEditException(String.join("; ", a.refused()));
        return a.content();
    }

    /**
     * As {@link #apply(String, List)} on a file parsed before; each edit is applied and proven on its own, so one
     * refused container leaves the others edited.
     */
    public static Applied apply(Parsed file, List<Edit> edits) {
        SourceYaml y = file.yaml();
        List<String> added = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        List<String> comments = new ArrayList<>();
        for (Edit e : edits) {
            try {
                Target t = target(y, e.source(), e.container());
                String key = lastKey(e.source(), e.container());
                int after = commented(y, t, key);
                if (after >= 0 && y.sharing(t.owner()) == null) {
                    // a commented-out "# resources:" placeholder: the live block goes right below the comment
                    Map<String, String> values = new LinkedHashMap<>();
                    for (String f : ResourceValues.FIELDS) {
                        if (e.values().get(f) != null) values.put(key + "/" + f.replace('.', '/'), e.values().get(f));
                    }
                    if (values.isEmpty()) continue;
                    SourceYaml.Result r = y.apply(List.of(new SourceYaml.Change(t.owner(), values, after)));
                    added.add(e.source().file() + ":" + y.line(t.owner().node()) + ": container " + e.container()
                            + ": resources block added below the commented-out placeholder");
                    comments.addAll(r.comments());
                    y = SourceYaml.parse(y.file(), r.content());
                    continue;
                }
                if (t == null || t.resources() == null) {
                    throw new YamlEditException(e.source().file() + ": no resources block for container "
                            + e.container());
                }
                Block b = read(y, t.resources(), e.container());
                if (!b.editable()) throw new YamlEditException(b.skipped());
                Map<String, String> values = new LinkedHashMap<>();
                for (String f : ResourceValues.FIELDS) {
                    String want = e.values().get(f);
                    if (want != null && !want.equals(b.values().get(f))) values.put(f.replace('.', '/'), want);
                }
                if (values.isEmpty()) continue;
                SourceYaml.Result r = y.apply(List.of(new SourceYaml.Change(t.resources(), values)));
                if (!r.added().isEmpty()) {
                    added.add(e.source().file() + ":" + y.line(t.resources().node()) + ": container "
                            + e.container() + ": resources block added (" + String.join(", ", values.keySet())
                            .replace('/', '.') + ")");
                }
                comments.addAll(r.comments());
                y = SourceYaml.parse(y.file(), r.content());
            } catch (YamlEditException ex) {
                refused.add(ex.getMessage());
            }
        }
        String out = y == file.yaml() ? file.content() : y.content();
        return new Applied(out, added, refused, comments);
    }

    // ---- navigation ----

    /** Where a container's resources are: the container (or values parent) and its resources node (null: none). */
    record Target(Ref owner, Ref resources) {}

    /** The position after a commented-out {@code # resources:} placeholder in the owner, or -1. */
    static int commented(SourceYaml y, Target t, String key) {
        return t == null || t.resources() != null || t.owner() == null ? -1 : y.commentedKey(t.owner(), key);
    }

    /**
     * @return null when the file does not define the container
     * @throws YamlEditException when the object's kind has no known container path
     */
    static Target target(SourceYaml y, SourceRef ref, String container) {
        if (ref.helm()) {
            String p = ref.valuesPathFor(container);
            for (Ref d : y.documents()) {
                Ref r = path(y, d, p);
                if (r != null) return new Target(r.parent(), r);
            }
            int dot = p.lastIndexOf('.');
            if (dot < 0 || !p.substring(dot + 1).matches("[A-Za-z0-9_-]+")) return null;
            for (Ref d : y.documents()) {
                Ref parent = path(y, d, p.substring(0, dot));
                if (parent != null && parent.isMapping()) return new Target(parent, null);
            }
            return null;
        }
        for (Ref d : objects(y)) {
            Ref meta = y.get(d, "metadata");
            if (!ref.kind().equals(SourceYaml.text(y.get(d, "kind")))
                    || !ref.name().equals(SourceYaml.text(y.get(meta, "name")))) {
                continue;
            }
            String ns = SourceYaml.text(y.get(meta, "namespace"));
            if (ns != null && ref.namespace() != null && !ns.equals(ref.namespace())) continue;
            List<String> specs = POD_SPECS.get(ref.kind());
            if (specs == null) {
                throw new YamlEditException(y.where(d.node()) + ": kind " + ref.kind() + " (" + ref.name()
                        + ") is not supported: no known container path; set " + ManifestLocator.SOURCE_ANNOTATION
                        + " to file#path.to.resources");
            }
            for (String spec : specs) {
                Ref pod = path(y, d, spec);
                if (pod == null) continue;
                if (container.equals(SourceYaml.text(y.get(pod, "name"))) && y.get(pod, "containers") == null) {
                    return new Target(pod, y.get(pod, "resources"));
                }
                for (String list : List.of("containers", "initContainers")) {
                    for (Ref c : y.items(y.get(pod, list))) {
                        if (container.equals(SourceYaml.text(y.get(c, "name")))) {
                            return new Target(c, y.get(c, "resources"));
                        }
                    }
                }
            }
        }
        return null;
    }

    /** The key that holds a container's resources: "resources", or the last step of a values path. */
    static String lastKey(SourceRef ref, String container) {
        if (!ref.helm()) return "resources";
        String p = ref.valuesPathFor(container);
        return p.substring(p.lastIndexOf('.') + 1);
    }

    /** Documents, and the items of {@code kind: List} documents. */
    static List<Ref> objects(SourceYaml y) {
        List<Ref> out = new ArrayList<>();
        for (Ref d : y.documents()) {
            if (!d.isMapping()) continue;
            String kind = SourceYaml.text(y.get(d, "kind"));
            if (kind != null && kind.endsWith("List") && y.get(d, "items") != null) {
                y.items(y.get(d, "items")).stream().filter(Ref::isMapping).forEach(out::add);
            } else {
                out.add(d);
            }
        }
        return out;
    }

    private static final Pattern STEP = Pattern.compile("([^.\\[\\]]+)?((?:\\[[^\\]]*\\])*)");
    private static final Pattern SELECTOR = Pattern.compile("\\[([^\\]=]*)(?:=([^\\]]*))?\\]");

    /** Follows a dotted path with optional [n] / [key=value] list selectors; null when any step is missing. */
    static Ref path(SourceYaml y, Ref root, String dotted) {
        Ref r = root;
        for (String part : dotted.split("\\.")) {
            Matcher m = STEP.matcher(part);
            if (!m.matches()) return null;
            if (m.group(1) != null) r = y.get(r, m.group(1));
            if (r == null) return null;
            Matcher s = SELECTOR.matcher(m.group(2));
            while (s.find()) {
                Ref next = null;
                List<Ref> items = y.items(r);
                if (s.group(2) == null) {
                    if (!s.group(1).trim().matches("\\d{1,6}")) return null;
                    int i = Integer.parseInt(s.group(1).trim());
                    next = i >= 0 && i < items.size() ? items.get(i) : null;
                } else {
                    for (Ref it : items) {
                        if (s.group(2).equals(SourceYaml.text(y.get(it, s.group(1))))) {
                            next = it;
                            break;
                        }
                    }
                }
                r = next;
                if (r == null) return null;
            }
        }
        return r;
    }
}
