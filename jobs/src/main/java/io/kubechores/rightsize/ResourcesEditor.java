package io.kubechores.rightsize;

import org.openrewrite.SourceFile;
import org.openrewrite.tree.ParseError;
import org.openrewrite.yaml.YamlIsoVisitor;
import org.openrewrite.yaml.YamlParser;
import org.openrewrite.yaml.tree.Yaml;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reads and edits container resources in YAML files without re-serialising them: the file is parsed into
 * OpenRewrite's lossless YAML tree, only the scalar values of requests/limits are replaced (keeping their quoting
 * style), and the tree is printed back — comments, key order, indentation and quoting stay byte-for-byte, so a PR's
 * diff shows only the changed values. Only values the file already sets are edited; nothing is added.
 * <p>
 * Shapes: a manifest or kustomize patch (a document with kind + metadata.name, containers under
 * spec.template.spec or spec.jobTemplate.spec.template.spec), or Helm values (a dotted path to a resources block).
 */
public final class ResourcesEditor {
    private ResourcesEditor() {}

    /** kind / metadata.name / metadata.namespace of one YAML document (namespace null when not written). */
    public record DocumentId(String kind, String name, String namespace) {}

    /** The Kubernetes objects a file declares (documents without kind or name are ignored). */
    public static List<DocumentId> documents(String content) {
        return documents(parsed(content));
    }

    public static List<DocumentId> documents(Parsed file) {
        List<DocumentId> out = new ArrayList<>();
        for (Yaml.Document d : file.docs.getDocuments()) {
            if (!(d.getBlock() instanceof Yaml.Mapping m)) continue;
            String kind = scalar(m, "kind");
            Yaml.Mapping meta = mapping(m, "metadata");
            String name = meta == null ? null : scalar(meta, "name");
            if (kind != null && name != null) out.add(new DocumentId(kind, name, scalar(meta, "namespace")));
        }
        return out;
    }

    /** True when the Helm values file has a mapping at the dotted path. */
    public static boolean hasValuesPath(String content, String dottedPath) {
        return hasValuesPath(parsed(content), dottedPath);
    }

    /** A file parsed once, for repeated look-ups (the locator asks one values file about many workloads). */
    public static final class Parsed {
        private final Yaml.Documents docs;
        private final String content;

        private Parsed(Yaml.Documents docs, String content) {
            this.docs = docs;
            this.content = content;
        }

        public String content() {
            return content;
        }
    }

    public static Parsed parsed(String content) {
        return new Parsed(parse(content), content);
    }

    public static boolean hasValuesPath(Parsed file, String dottedPath) {
        for (Yaml.Document d : file.docs.getDocuments()) {
            if (d.getBlock() instanceof Yaml.Mapping m && path(m, dottedPath) != null) return true;
        }
        return false;
    }

    /** What the source says per container (containers without a resources block in the source are absent). */
    public static Map<String, ResourceValues> read(String content, SourceRef ref, Collection<String> containers) {
        return read(parse(content), ref, containers);
    }

    /** Several blocks of one file, parsed once: block key → container → values. */
    public static Map<String, Map<String, ResourceValues>> readAll(Parsed file,
                                                                   Map<SourceRef, ? extends Collection<String>> blocks) {
        Yaml.Documents docs = file.docs;
        Map<String, Map<String, ResourceValues>> out = new LinkedHashMap<>();
        blocks.forEach((ref, containers) -> out.put(ref.key(), read(docs, ref, containers)));
        return out;
    }

    private static Map<String, ResourceValues> read(Yaml.Documents docs, SourceRef ref, Collection<String> containers) {
        Map<String, ResourceValues> out = new LinkedHashMap<>();
        for (String c : containers) {
            Yaml.Mapping res = resourcesBlock(docs, ref, c);
            if (res == null) continue;
            Map<String, Yaml.Scalar> s = scalars(res);
            out.put(c, new ResourceValues(value(s.get(ResourceValues.CPU_REQUEST)),
                    value(s.get(ResourceValues.MEMORY_REQUEST)), value(s.get(ResourceValues.CPU_LIMIT)),
                    value(s.get(ResourceValues.MEMORY_LIMIT))));
        }
        return out;
    }

    /**
     * Applies proposed values to the file.
     *
     * @param edits per source block and container: the values the file should hold (fields that are null or
     *              absent from the file are not touched)
     * @return the new content; equal to content when nothing differs
     */
    public static String apply(String content, List<Edit> edits) {
        return apply(parsed(content), edits);
    }

    /** As {@link #apply(String, List)} on a file parsed before (trees are immutable: it can be edited many times). */
    public static String apply(Parsed file, List<Edit> edits) {
        String content = file.content;
        Yaml.Documents docs = file.docs;
        Map<UUID, String> replace = new HashMap<>();
        for (Edit e : edits) {
            Yaml.Mapping res = resourcesBlock(docs, e.source(), e.container());
            if (res == null) {
                throw new IllegalStateException(e.source().file() + ": no resources block for container "
                        + e.container());
            }
            Map<String, Yaml.Scalar> s = scalars(res);
            for (String f : ResourceValues.FIELDS) {
                String want = e.values().get(f);
                Yaml.Scalar have = s.get(f);
                if (want != null && have != null && !want.equals(have.getValue())) replace.put(have.getId(), want);
            }
        }
        if (replace.isEmpty()) return content;
        Yaml.Documents edited = (Yaml.Documents) new YamlIsoVisitor<Integer>() {
            @Override
            public Yaml.Scalar visitScalar(Yaml.Scalar scalar, Integer p) {
                Yaml.Scalar s = super.visitScalar(scalar, p);
                String v = replace.get(s.getId());
                return v == null ? s : s.withValue(v);
            }
        }.visitNonNull(docs, 0);
        return edited.printAll();
    }

    /** One container's wanted values in one source block. */
    public record Edit(SourceRef source, String container, ResourceValues values) {}

    // ---- tree navigation ----

    static Yaml.Documents parse(String content) {
        SourceFile sf = new YamlParser().parse(content).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("empty YAML"));
        if (sf instanceof ParseError pe) {
            throw new IllegalArgumentException("YAML does not parse: " + pe.getErroneous());
        }
        Yaml.Documents docs = (Yaml.Documents) sf;
        if (!docs.printAll().equals(content)) {
            // the lossless tree must print the input back exactly, or edits would touch more than the values
            throw new IllegalArgumentException("YAML does not round-trip exactly; refusing to edit");
        }
        return docs;
    }

    private static Yaml.Mapping resourcesBlock(Yaml.Documents docs, SourceRef ref, String container) {
        for (Yaml.Document d : docs.getDocuments()) {
            if (!(d.getBlock() instanceof Yaml.Mapping root)) continue;
            if (ref.helm()) {
                Yaml.Mapping m = path(root, ref.valuesPathFor(container));
                if (m != null) return m;
                continue;
            }
            Yaml.Mapping meta = mapping(root, "metadata");
            if (!ref.kind().equals(scalar(root, "kind")) || meta == null || !ref.name().equals(scalar(meta, "name"))) {
                continue;
            }
            String ns = scalar(meta, "namespace");
            if (ns != null && ref.namespace() != null && !ns.equals(ref.namespace())) continue;
            Yaml.Mapping pod = "CronJob".equals(ref.kind()) ? path(root, "spec.jobTemplate.spec.template.spec")
                    : path(root, "spec.template.spec");
            if (pod == null) continue;
            for (String list : List.of("containers", "initContainers")) {
                if (!(value(pod, list) instanceof Yaml.Sequence seq)) continue;
                for (Yaml.Sequence.Entry en : seq.getEntries()) {
                    if (en.getBlock() instanceof Yaml.Mapping cm && container.equals(scalar(cm, "name"))) {
                        return mapping(cm, "resources");
                    }
                }
            }
        }
        return null;
    }

    private static Map<String, Yaml.Scalar> scalars(Yaml.Mapping resources) {
        Map<String, Yaml.Scalar> out = new HashMap<>();
        for (String kind : List.of("requests", "limits")) {
            Yaml.Mapping m = mapping(resources, kind);
            if (m == null) continue;
            for (String r : List.of("cpu", "memory")) {
                if (value(m, r) instanceof Yaml.Scalar s) out.put(kind + "." + r, s);
            }
        }
        return out;
    }

    private static Yaml.Mapping path(Yaml.Mapping root, String dotted) {
        Yaml.Mapping m = root;
        for (String part : dotted.split("\\.")) {
            m = mapping(m, part);
            if (m == null) return null;
        }
        return m;
    }

    private static Yaml.Block value(Yaml.Mapping m, String key) {
        for (Yaml.Mapping.Entry e : m.getEntries()) {
            if (key.equals(e.getKey().getValue())) return e.getValue();
        }
        return null;
    }

    private static Yaml.Mapping mapping(Yaml.Mapping m, String key) {
        return value(m, key) instanceof Yaml.Mapping x ? x : null;
    }

    private static String scalar(Yaml.Mapping m, String key) {
        return value(m, key) instanceof Yaml.Scalar s ? s.getValue() : null;
    }

    private static String value(Yaml.Scalar s) {
        return s == null ? null : s.getValue();
    }
}
