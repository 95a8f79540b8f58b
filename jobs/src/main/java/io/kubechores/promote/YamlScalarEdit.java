package io.kubechores.promote;

import io.kubechores.yaml.SourceYaml;
import io.kubechores.yaml.SourceYaml.Ref;
import io.kubechores.yaml.YamlEditException;

import java.util.List;
import java.util.Map;

/**
 * Replaces one scalar in a YAML file and leaves every other byte as it was (comments, order, quoting, other
 * documents). Uses the project's one YAML editing approach, {@link SourceYaml} (node positions + textual splice,
 * proven by a re-parse), so promote and rightsize follow the same rules: a value reached through an alias or
 * merge key, or an anchor used elsewhere, is refused with the anchor's name and line; errors are one line.
 */
public final class YamlScalarEdit {
    private YamlScalarEdit() {}

    /**
     * @param content    the file
     * @param kind       document kind to edit in a multi-document file (null: the first document that has the path)
     * @param name       its metadata.name (null: any)
     * @param dottedPath e.g. spec.versions.prod
     * @param value      the new value
     * @return the new content (the same instance when the value is already there)
     * @throws IllegalArgumentException when the path does not lead to a scalar, or the edit is not safe
     */
    public static String replace(String content, String kind, String name, String dottedPath, String value) {
        return replace("<yaml>", content, kind, name, dottedPath, value);
    }

    /** As {@link #replace(String, String, String, String, String)}, naming the file in errors. */
    public static String replace(String file, String content, String kind, String name, String dottedPath,
                                 String value) {
        SourceYaml y = SourceYaml.parse(file, content).stringsOnly();
        for (Ref doc : y.documents()) {
            if (!doc.isMapping()) continue;
            if (kind != null && !kind.equals(SourceYaml.text(y.get(doc, "kind")))) continue;
            if (name != null && !name.equals(SourceYaml.text(y.get(y.get(doc, "metadata"), "name")))) continue;
            String[] keys = dottedPath.split("\\.");
            Ref parent = doc;
            for (int i = 0; i < keys.length - 1 && parent != null; i++) parent = y.get(parent, keys[i]);
            Ref n = parent == null ? null : y.get(parent, keys[keys.length - 1]);
            if (n == null) throw new IllegalArgumentException(dottedPath + " not found");
            if (!(n.node() instanceof org.snakeyaml.engine.v2.nodes.ScalarNode)) {
                throw new IllegalArgumentException(dottedPath + " is not a scalar");
            }
            if (value.equals(SourceYaml.text(n))) return content;
            String shared = y.sharing(n);
            if (shared != null) throw new YamlEditException(y.where(n) + ": " + dottedPath + " " + shared);
            return y.apply(List.of(new SourceYaml.Change(parent, Map.of(keys[keys.length - 1], value)))).content();
        }
        throw new IllegalArgumentException("no document" + (kind == null ? "" : " " + kind + "/" + name) + " with "
                + dottedPath);
    }
}
