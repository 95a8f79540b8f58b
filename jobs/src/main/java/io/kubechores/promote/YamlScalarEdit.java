package io.kubechores.promote;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.StringReader;
import java.util.List;

/**
 * Replaces one scalar in a YAML file and leaves every other byte as it was (comments, order, quoting, other
 * documents): the scalar is located with SnakeYAML's node marks and only its characters are rewritten, keeping its
 * quote style.
 */
public final class YamlScalarEdit {
    private YamlScalarEdit() {}

    /**
     * @param content   the file
     * @param kind      document kind to edit in a multi-document file (null: the first document)
     * @param name      its metadata.name (null: any)
     * @param dottedPath e.g. spec.versions.prod
     * @param value     the new value
     * @return the new content (equal to content when the value is already there)
     * @throws IllegalArgumentException when the path does not lead to a scalar
     */
    public static String replace(String content, String kind, String name, String dottedPath, String value) {
        Yaml yaml = new Yaml(new LoaderOptions());
        for (Node doc : yaml.composeAll(new StringReader(content))) {
            if (!(doc instanceof MappingNode root)) continue;
            if (kind != null && !kind.equals(scalar(child(root, "kind")))) continue;
            if (name != null && !name.equals(scalar(child(child(root, "metadata"), "name")))) continue;
            Node n = root;
            for (String key : dottedPath.split("\\.")) {
                n = child(n, key);
                if (n == null) throw new IllegalArgumentException(dottedPath + " not found");
            }
            if (!(n instanceof ScalarNode s)) throw new IllegalArgumentException(dottedPath + " is not a scalar");
            if (value.equals(s.getValue())) return content;
            int start = s.getStartMark().getIndex();
            int end = s.getEndMark().getIndex();
            String replacement = switch (s.getScalarStyle()) {
                case DOUBLE_QUOTED -> "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
                case SINGLE_QUOTED -> "'" + value.replace("'", "''") + "'";
                default -> needsQuotes(value) ? "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"" : value;
            };
            return content.substring(0, start) + replacement + content.substring(end);
        }
        throw new IllegalArgumentException("no document" + (kind == null ? "" : " " + kind + "/" + name) + " with " + dottedPath);
    }

    /**
     * Whether the value, written plain, would not read back as the same string: {@code 2.0} reads as a float,
     * {@code 010} as an int, {@code no} as a boolean (YAML 1.1, which SnakeYAML and so the desired-state loader speak),
     * {@code 1:2} or {@code a #b} as something else. Decided by reading it back with SnakeYAML's own resolver rather
     * than by a list of patterns.
     */
    static boolean needsQuotes(String v) {
        if (v.isEmpty() || !v.matches("[A-Za-z0-9._+~/@:-]+")) return true;
        try {
            Node n = new Yaml(new LoaderOptions()).compose(new StringReader("k: " + v + "\n"));
            Node read = child(n, "k");
            return !(read instanceof ScalarNode s) || !Tag.STR.equals(s.getTag()) || !v.equals(s.getValue());
        } catch (RuntimeException notPlain) {
            return true;
        }
    }

    private static Node child(Node n, String key) {
        if (!(n instanceof MappingNode m)) return null;
        List<NodeTuple> tuples = m.getValue();
        for (NodeTuple t : tuples) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) return t.getValueNode();
        }
        return null;
    }

    private static String scalar(Node n) {
        return n instanceof ScalarNode s ? s.getValue() : null;
    }

    @SuppressWarnings("unused")
    private static final DumperOptions.ScalarStyle PLAIN = DumperOptions.ScalarStyle.PLAIN;
}
