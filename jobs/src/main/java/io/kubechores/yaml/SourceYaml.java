package io.kubechores.yaml;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one way kubechores edits YAML in a desired-state repo (rightsize's resources, promote's versions): the file is
 * composed into SnakeYAML Engine's node tree, which carries the exact start/end of every node, and an edit is a
 * splice of the original text at those positions. Nothing is re-serialised, so comments (including any Helm
 * {@code {{ }}} text in them), key order, indentation, quoting, CRLF line ends, a BOM, document markers and a
 * missing final newline stay byte-for-byte; only the spliced ranges differ.
 * <p>
 * Every edit is proven: the result is parsed again and its scalars compared with the original's; anything but the
 * intended change (an anchor shared elsewhere, a quoting slip, a re-indented neighbour) refuses the edit
 * ({@link YamlEditException}), the way Renovate re-extracts a file after its in-place replace.
 * <p>
 * Anchors, aliases and merge keys: {@link #get} reads through {@code <<: *x} (own keys win, then merged mappings in
 * order, YAML 1.1 merge-key semantics) and through aliases; {@link #sharing} names the anchor when a node on the
 * way is reached through an alias or merge key, or is an anchored node that an alias elsewhere also uses, so
 * callers never edit one place and silently change another. Nulls follow the YAML 1.2 core schema (empty,
 * {@code ~}, {@code null}/{@code Null}/{@code NULL}), as Kubernetes' own YAML decoder reads them.
 * <p>
 * Untrusted input: at most {@link #MAX_CODE_POINTS} code points per file, at most 100 aliases of collections
 * (billion-laughs guard), recursive aliases rejected; parse errors are one line, {@code file:line:col: reason},
 * with the parser's reason and no file content.
 */
public final class SourceYaml {
    /** Larger files are refused (desired-state files are kilobytes; the largest real chart values are ~200 KB). */
    public static final int MAX_CODE_POINTS = 4 * 1024 * 1024;
    private static final String MERGE = "<<";

    private final String file;
    private final String content;
    private final List<Node> documents;
    /** code point index → char index; null when the file has no surrogate pairs (marks count code points) */
    private final int[] charIndex;
    private final Map<Node, Integer> uses = new IdentityHashMap<>();
    private final String eol;
    private boolean stringsOnly;
    /** the leaves of this file, computed on the first edit (a file is edited container by container) */
    private Map<String, String> leaves;

    private SourceYaml(String file, String content, List<Node> documents) {
        this.file = file;
        this.content = content;
        this.documents = List.copyOf(documents);
        this.charIndex = content.length() == content.codePointCount(0, content.length()) ? null : codePoints(content);
        this.eol = content.contains("\r\n") ? "\r\n" : "\n";
        for (Node d : documents) countUses(d);
    }

    /**
     * @throws YamlEditException with {@code file:line:col: reason} when the text is not YAML
     */
    public static SourceYaml parse(String file, String content) {
        LoadSettings settings = LoadSettings.builder().setLabel(file).setSchema(new CoreSchema())
                .setCodePointLimit(MAX_CODE_POINTS).setMaxAliasesForCollections(100).setAllowRecursiveKeys(false)
                .setAllowDuplicateKeys(true).build();
        List<Node> docs = new ArrayList<>();
        try {
            for (Node n : new Compose(settings).composeAllFromString(content)) docs.add(n);
        } catch (MarkedYamlEngineException e) {
            Mark m = e.getProblemMark().or(e::getContextMark).orElse(null);
            String reason = e.getProblem() == null ? firstLine(e.getMessage()) : e.getProblem();
            throw new YamlEditException(m == null ? file + ": " + reason
                    : file + ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1) + ": " + reason);
        } catch (YamlEngineException | IllegalStateException e) {
            throw new YamlEditException(file + ": " + firstLine(e.getMessage()));
        }
        return new SourceYaml(file, content, docs);
    }

    public String file() {
        return file;
    }

    public String content() {
        return content;
    }

    /** One reference per document (List kind items are not unpacked here). */
    public List<Ref> documents() {
        List<Ref> out = new ArrayList<>();
        for (int i = 0; i < documents.size(); i++) out.add(new Ref(documents.get(i), null, "#" + i, null, null));
        return out;
    }

    // ---- reading ----

    /**
     * A node and how it was reached.
     *
     * @param node    the node
     * @param parent  the mapping or sequence it was found in (null for a document)
     * @param step    the key or [index] (or #n for a document)
     * @param key     the key node (null for sequence items and documents)
     * @param through "alias *x" or "merge key <<: *x" when this step read through one; null otherwise
     */
    public record Ref(Node node, Ref parent, String step, ScalarNode key, String through) {
        public String path() {
            return parent == null ? step : parent.path() + "/" + step;
        }

        public boolean isMapping() {
            return node instanceof MappingNode;
        }

        public boolean isSequence() {
            return node instanceof SequenceNode;
        }

        /** Empty-mapping / null placeholder ({@code {}}, {@code ~}, {@code null} or nothing after the colon). */
        public boolean isPlaceholder() {
            return node instanceof MappingNode m && m.getValue().isEmpty() || isNull(node);
        }
    }

    /**
     * The value of {@code key} in a mapping. SnakeYAML Engine's composer applies merge keys itself ({@code <<}
     * tuples are replaced by the merged ones, own keys first); a merged tuple is recognised by its key lying
     * outside the mapping's own text, and reported as read through the merge key.
     */
    public Ref get(Ref map, String key) {
        if (map == null || !(map.node() instanceof MappingNode m)) return null;
        for (NodeTuple t : m.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && key.equals(k.getValue()) && !isMergeKey(k)) {
                Node v = t.getValueNode();
                String through = null;
                if (start(k) < start(m) || start(k) >= end(m)) {
                    through = "merge key <<: *" + anchorAround(start(k));
                } else if (v.getAnchor().isPresent() && start(v) < end(k)) {
                    through = "alias *" + anchor(v);
                }
                return new Ref(v, map, key, k, through);
            }
        }
        return null;
    }

    /** Every value of a mapping (own and merged keys, in order) or item of a sequence. */
    public List<Ref> children(Ref r) {
        if (r == null) return List.of();
        if (r.node() instanceof SequenceNode) return items(r);
        if (!(r.node() instanceof MappingNode m)) return List.of();
        List<Ref> out = new ArrayList<>();
        for (NodeTuple t : m.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k) {
                Ref c = get(r, k.getValue());
                if (c != null && c.key() == k) out.add(c);
            }
        }
        return out;
    }

    /** The innermost anchored node whose text holds the position (the source of a merged key). */
    private String anchorAround(int pos) {
        Node best = null;
        for (Node n : uses.keySet()) {
            if (n.getAnchor().isPresent() && start(n) <= pos && pos < end(n)
                    && (best == null || end(n) - start(n) < end(best) - start(best))) {
                best = n;
            }
        }
        return best == null ? "?" : anchor(best);
    }

    /** Items of a sequence (empty for anything else). */
    public List<Ref> items(Ref seq) {
        if (seq == null || !(seq.node() instanceof SequenceNode s)) return List.of();
        List<Ref> out = new ArrayList<>();
        int floor = start(s);
        for (int i = 0; i < s.getValue().size(); i++) {
            Node n = s.getValue().get(i);
            String through = n.getAnchor().isPresent() && start(n) < floor ? "alias *" + anchor(n) : null;
            out.add(new Ref(n, seq, "[" + i + "]", null, through));
            floor = Math.max(floor, end(n));
        }
        return out;
    }

    /** A plain/quoted scalar's value; null for null scalars, collections and a missing ref. */
    public static String text(Ref r) {
        if (r == null || !(r.node() instanceof ScalarNode s) || isNull(s)) return null;
        return s.getValue();
    }

    public static boolean isNull(Node n) {
        return n instanceof ScalarNode s && Tag.NULL.equals(s.getTag());
    }

    /**
     * Why editing at {@code r} would change more than {@code r}: it (or a node above it) is read through an alias
     * or merge key, or it is an anchored node that an alias elsewhere also uses. Null when it is safe.
     */
    public String sharing(Ref r) {
        List<Ref> chain = new ArrayList<>();
        for (Ref x = r; x != null; x = x.parent()) chain.addFirst(x);
        // top-down: the outermost shared node is the anchored one (its children are reached twice too)
        for (Ref x : chain) {
            if (x.through() != null) {
                String a = x.through().substring(x.through().indexOf('*') + 1);
                Node src = anchored(a, x.node());
                return "read through " + x.through() + " (anchor &" + a + " at " + where(src)
                        + "); editing it would change every user of the anchor";
            }
            if (uses.getOrDefault(x.node(), 0) > 1) {
                // a merged mapping's children are shared, the anchored mapping itself is not (the <<  tuple is gone)
                String a = x.node().getAnchor().isPresent() ? anchor(x.node()) : anchorAround(start(x.node()));
                return "anchor &" + a + " at " + where(anchored(a, x.node())) + " is also used through an alias"
                        + " or merge key; editing it would change every user";
            }
        }
        return null;
    }

    /** The node carrying anchor {@code a} whose text holds {@code inside} (else {@code inside} itself). */
    private Node anchored(String a, Node inside) {
        Node best = inside;
        for (Node n : uses.keySet()) {
            if (n.getAnchor().map(x -> x.getValue().equals(a)).orElse(false) && start(n) <= start(inside)
                    && start(inside) < Math.max(end(n), start(n) + 1)) {
                best = n;
            }
        }
        return best;
    }

    /** file:line where a reference is written: its key's line (an alias's own line), else the node's. */
    public String where(Ref r) {
        return r.key() != null ? where(r.key()) : where(r.node());
    }

    /** file:line of a node (1-based). */
    public String where(Node n) {
        return file + ":" + (n.getStartMark().map(Mark::getLine).orElse(0) + 1);
    }

    public int line(Node n) {
        return n.getStartMark().map(Mark::getLine).orElse(0) + 1;
    }

    // ---- editing ----

    /**
     * One intended change: set scalars below {@code at} (relative key paths, "/"-separated), filling placeholders
     * ({@code {}}, null) and adding missing keys at the right indentation.
     */
    public record Change(Ref at, Map<String, String> values, int insertAt) {
        public Change(Ref at, Map<String, String> values) {
            this(at, values, -1);
        }
    }

    private static final java.util.regex.Pattern COMMENTED_BODY = java.util.regex.Pattern.compile(
            "\\s*#+\\s*((limits|requests|cpu|memory)\\s*:.*)?");

    /**
     * Where a commented-out {@code # key:} (or {@code # key: {}}) placeholder of a block mapping ends: the start of
     * the line after it, or -1. The comment must sit between the mapping's own entries at the mapping's
     * indentation, and the commented lines after it may only hold limits/requests/cpu/memory (a commented RBAC
     * rule, PVC or example sidecar is not a placeholder).
     */
    public int commentedKey(Ref map, String key) {
        if (!(map.node() instanceof MappingNode m) || m.getFlowStyle() != FlowStyle.BLOCK || m.getValue().isEmpty()) {
            return -1;
        }
        int col = col(m.getValue().getFirst().getKeyNode());
        java.util.regex.Pattern head = java.util.regex.Pattern.compile(
                " {" + col + "}#+\\s*" + java.util.regex.Pattern.quote(key) + "\\s*:\\s*(\\{\\s*}\\s*)?");
        List<NodeTuple> t = m.getValue();
        for (int i = -1; i < t.size(); i++) {
            int from;
            int to;
            if (i < 0) {
                // the comment lines right above the first key
                to = lineStart(start(t.getFirst().getKeyNode()));
                from = to;
                while (from > 0) {
                    int prev = lineStart(from - 1);
                    String line = content.substring(prev, from).strip();
                    if (!line.isEmpty() && !line.startsWith("#")) break;
                    from = prev;
                }
            } else {
                from = afterLastLine(t.get(i).getValueNode());
                to = i + 1 < t.size() ? lineStart(start(t.get(i + 1).getKeyNode())) : from;
            }
            if (i + 1 == t.size()) {
                // after the last entry: the comment lines that follow it
                while (to < content.length()) {
                    int nl = content.indexOf('\n', to);
                    String line = content.substring(to, nl < 0 ? content.length() : nl).replace("\r", "");
                    if (!line.isBlank() && !line.stripLeading().startsWith("#")) break;
                    to = nl < 0 ? content.length() : nl + 1;
                }
            }
            int pos = from;
            while (pos < to) {
                int nl = content.indexOf('\n', pos);
                int next = nl < 0 || nl + 1 > to ? to : nl + 1;
                String line = content.substring(pos, next).replace("\r", "").replace("\n", "");
                pos = next;
                if (!head.matcher(line).matches()) continue;
                int end = pos;
                boolean body = true;
                while (end < to) {
                    int n2 = content.indexOf('\n', end);
                    int nx = n2 < 0 || n2 + 1 > to ? to : n2 + 1;
                    String l2 = content.substring(end, nx).replace("\r", "").replace("\n", "");
                    if (l2.isBlank() || !l2.stripLeading().startsWith("#")) break;
                    if (!COMMENTED_BODY.matcher(l2).matches()) {
                        body = false;
                        break;
                    }
                    end = nx;
                }
                if (body) return end;
            }
        }
        return -1;
    }

    private int lineStart(int pos) {
        int nl = content.lastIndexOf('\n', Math.max(0, pos - 1));
        return nl < 0 ? 0 : nl + 1;
    }

    /**
     * The edited text, what the edit had to add (for "a block was added" in a PR), and the comments at the end of
     * edited lines ({@code cpu: "1"  # PCI load test 2025-03}): kept, but they may describe the old value.
     */
    public record Result(String content, List<String> added, List<String> comments) {}

    /**
     * Applies the changes and proves them by re-parsing.
     *
     * @throws YamlEditException naming the file, line and reason when a change is not safe or not provable
     */
    public Result apply(List<Change> changes) {
        List<Splice> splices = new ArrayList<>();
        List<String> added = new ArrayList<>();
        List<String> comments = new ArrayList<>();
        for (Change c : changes) {
            String shared = sharing(c.at());
            if (shared != null) throw new YamlEditException(where(c.at()) + ": " + shared);
            insertAt = c.insertAt();
            plan(c.at(), tree(c.values()), splices, added);
        }
        splices.sort((a, b) -> Integer.compare(b.start, a.start));
        StringBuilder sb = new StringBuilder(content);
        int floor = Integer.MAX_VALUE;
        for (Splice s : splices) {
            if (s.end > floor) throw new YamlEditException(file + ": overlapping edits");
            sb.replace(s.start, s.end, s.text);
            floor = s.start;
        }
        String out = sb.toString();
        verify(changes, out);
        for (Splice s : splices) {
            if (s.comment != null) comments.add(s.comment);
        }
        comments.sort(null);
        return new Result(out, added, comments);
    }

    /** where missing keys go for the change being planned (-1: after the mapping's last entry) */
    private int insertAt = -1;

    private record Splice(int start, int end, String text, String comment) {
        Splice(int start, int end, String text) {
            this(start, end, text, null);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> tree(Map<String, String> values) {
        Map<String, Object> root = new LinkedHashMap<>();
        values.forEach((path, v) -> {
            String[] parts = path.split("/");
            Map<String, Object> m = root;
            for (int i = 0; i < parts.length - 1; i++) {
                m = (Map<String, Object>) m.computeIfAbsent(parts[i], k -> new LinkedHashMap<String, Object>());
            }
            m.put(parts[parts.length - 1], v);
        });
        return root;
    }

    @SuppressWarnings("unchecked")
    private void plan(Ref at, Map<String, Object> want, List<Splice> out, List<String> added) {
        if (at.isPlaceholder()) {
            fill(at, want, out, added);
            return;
        }
        if (!(at.node() instanceof MappingNode m)) {
            throw new YamlEditException(where(at.node()) + ": " + at.step() + " is not a mapping");
        }
        Map<String, Object> missing = new LinkedHashMap<>();
        for (var e : want.entrySet()) {
            Ref child = get(at, e.getKey());
            if (child == null) {
                missing.put(e.getKey(), e.getValue());
            } else if (child.through() != null) {
                throw new YamlEditException(where(child.node()) + ": " + e.getKey() + " " + sharing(child));
            } else if (e.getValue() instanceof String v) {
                out.add(scalar(child, v));
            } else if (child.isPlaceholder()) {
                fill(child, (Map<String, Object>) e.getValue(), out, added);
            } else if (child.isMapping()) {
                plan(child, (Map<String, Object>) e.getValue(), out, added);
            } else {
                throw new YamlEditException(where(child.node()) + ": " + e.getKey() + " is not a mapping");
            }
        }
        if (missing.isEmpty()) return;
        added.add(at.path() + ": " + String.join(", ", missing.keySet()));
        if (m.getFlowStyle() == FlowStyle.FLOW) {
            int close = end(m) - 1;
            if (close < 0 || content.charAt(close) != '}') {
                throw new YamlEditException(where(m) + ": cannot find the end of the flow mapping");
            }
            String flow = flow(missing);
            out.add(new Splice(close, close, ", " + flow.substring(1, flow.length() - 1)));
            return;
        }
        int col = m.getValue().getFirst().getKeyNode().getStartMark().map(Mark::getColumn).orElse(0);
        int pos = insertAt >= 0 ? insertAt : afterLastLine(m);
        insertAt = -1;
        String text = block(missing, col, step(at));
        boolean atEof = pos == content.length() && !content.isEmpty() && !endsWithEol();
        out.add(new Splice(pos, pos, atEof ? eol + stripEol(text) : text));
    }

    /** Replaces a placeholder value ({@code {}}, null) by the wanted mapping: block style under a block key. */
    private void fill(Ref at, Map<String, Object> want, List<Splice> out, List<String> added) {
        if (at.key() == null) throw new YamlEditException(where(at.node()) + ": placeholder without a key");
        added.add(at.path());
        Node n = at.node();
        boolean flowParent = at.parent() != null && at.parent().node() instanceof MappingNode pm
                && pm.getFlowStyle() == FlowStyle.FLOW;
        int s = start(n);
        int e = end(n);
        if (flowParent) {
            String text = flow(want);
            out.add(new Splice(s, e, s > 0 && content.charAt(s - 1) == ':' ? " " + text : text));
            return;
        }
        // block: drop the placeholder token (and the blanks before it), put the block on the lines below
        int cut = s;
        while (cut > 0 && (content.charAt(cut - 1) == ' ' || content.charAt(cut - 1) == '\t')) cut--;
        if (cut == 0 || content.charAt(cut - 1) != ':') {
            throw new YamlEditException(where(n) + ": " + at.step() + ": unexpected text before the placeholder");
        }
        int lineEnd = content.indexOf('\n', e);
        int keyCol = at.key().getStartMark().map(Mark::getColumn).orElse(0);
        String block = block(want, keyCol + step(at.parent()), step(at.parent()));
        if (lineEnd < 0) {
            out.add(new Splice(cut, e, ""));
            out.add(new Splice(content.length(), content.length(), eol + stripEol(block)));
        } else {
            out.add(new Splice(cut, e, ""));
            out.add(new Splice(lineEnd + 1, lineEnd + 1, block));
        }
    }

    private String stripEol(String s) {
        return s.endsWith(eol) ? s.substring(0, s.length() - eol.length()) : s;
    }

    private boolean endsWithEol() {
        return content.endsWith("\n");
    }

    /** Just past the end of the line holding the last value of a block mapping. */
    private int afterLastLine(Node n) {
        Node last = n;
        while (true) {
            if (last instanceof MappingNode m && !m.getValue().isEmpty() && m.getFlowStyle() == FlowStyle.BLOCK) {
                last = m.getValue().getLast().getValueNode();
            } else if (last instanceof SequenceNode q && !q.getValue().isEmpty() && q.getFlowStyle() == FlowStyle.BLOCK) {
                last = q.getValue().getLast();
            } else {
                break;
            }
        }
        int e = end(last);
        if (e > 0 && content.charAt(e - 1) == '\n') return e;
        int nl = content.indexOf('\n', e);
        return nl < 0 ? content.length() : nl + 1;
    }

    @SuppressWarnings("unchecked")
    private String block(Map<String, Object> m, int indent, int step) {
        StringBuilder sb = new StringBuilder();
        for (var e : m.entrySet()) {
            sb.append(" ".repeat(indent)).append(e.getKey()).append(':');
            if (e.getValue() instanceof String v) {
                sb.append(' ').append(plain(v)).append(eol);
            } else {
                sb.append(eol).append(block((Map<String, Object>) e.getValue(), indent + step, step));
            }
        }
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    private String flow(Map<String, Object> m) {
        List<String> parts = new ArrayList<>();
        for (var e : m.entrySet()) {
            parts.add(e.getKey() + ": " + (e.getValue() instanceof String v ? plain(v)
                    : flow((Map<String, Object>) e.getValue())));
        }
        return "{" + String.join(", ", parts) + "}";
    }

    /** A value written where there was none: plain when that reads back as the same text, else double-quoted. */
    private String plain(String v) {
        return (stringsOnly ? needsQuotes(v) : needsQuotesAsQuantity(v)) ? doubleQuoted(v) : v;
    }

    /**
     * Values that must read back as strings (a Tool's versions: the loader wants text) are quoted whenever YAML would
     * read them as something else, {@code 2.0} or {@code 3} included. Resource quantities ({@code cpu: 2}) may stay
     * numbers: Kubernetes reads both.
     */
    public SourceYaml stringsOnly() {
        this.stringsOnly = true;
        return this;
    }

    private static boolean needsQuotesAsQuantity(String v) {
        return v.isEmpty() || !v.matches("[A-Za-z0-9._+-]+") || v.matches("(?i)true|false|yes|no|on|off|y|n|null");
    }

    /**
     * Whether the value, written plain, would not read back as the same string: {@code 2.0} reads as a float,
     * {@code 010} as an int, {@code no} as a boolean (YAML 1.1, which SnakeYAML and so the desired-state loader speak,
     * https://yaml.org/type/), {@code a #b} as something else. Decided by reading it back with SnakeYAML's resolver,
     * plus the YAML 1.1 booleans y/n that some tools still resolve.
     */
    static boolean needsQuotes(String v) {
        if (v.isEmpty() || !v.matches("[A-Za-z0-9._+~/@:-]+") || v.matches("(?i)true|false|yes|no|on|off|y|n|null|~")) return true;
        try {
            Object read = new org.yaml.snakeyaml.Yaml(new org.yaml.snakeyaml.constructor.SafeConstructor(
                    new org.yaml.snakeyaml.LoaderOptions())).load("k: " + v + "\n");
            return !(read instanceof java.util.Map<?, ?> m) || !v.equals(m.get("k"));
        } catch (RuntimeException notPlain) {
            return true;
        }
    }

    private static String doubleQuoted(String v) {
        return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Rewrites one scalar's characters in its own quoting style (a null becomes the plain value). */
    private Splice scalar(Ref r, String value) {
        if (!(r.node() instanceof ScalarNode s)) {
            throw new YamlEditException(where(r.node()) + ": " + r.step() + " is not a scalar");
        }
        int a = start(s);
        int b = end(s);
        if (isNull(s)) {
            String prefix = a > 0 && content.charAt(a - 1) == ':' ? " " : "";
            return new Splice(a, b, prefix + plain(value), trailingComment(r, b));
        }
        String text = switch (s.getScalarStyle()) {
            case DOUBLE_QUOTED -> doubleQuoted(value);
            case SINGLE_QUOTED -> "'" + value.replace("'", "''") + "'";
            case PLAIN -> plain(value);
            default -> throw new YamlEditException(where(s) + ": " + r.step() + " is a block scalar ("
                    + s.getScalarStyle() + "); not edited");
        };
        return new Splice(a, b, text, trailingComment(r, b));
    }

    /** "file:line path: # comment" when the rest of the line after {@code pos} is a comment; else null. */
    private String trailingComment(Ref r, int pos) {
        int nl = content.indexOf('\n', pos);
        String rest = content.substring(pos, nl < 0 ? content.length() : nl).strip();
        if (rest.startsWith(",") || rest.startsWith("}")) return null; // flow: the comment is not about this value
        if (!rest.startsWith("#")) return null;
        String c = rest.length() > 80 ? rest.substring(0, 80) + "…" : rest;
        return where(r) + " " + r.path().replaceFirst("^#\\d+/", "") + ": `" + c.replace("`", "'") + "`";
    }

    /** Indentation step: how far the nearest block mapping on the way is indented under its key; else the file's. */
    private int step(Ref r) {
        for (Ref x = r; x != null; x = x.parent()) {
            int s = childIndent(x);
            if (s > 0) return s;
        }
        for (Node d : documents) {
            int s = firstIndent(d, 0);
            if (s > 0) return s;
        }
        return 2;
    }

    private int childIndent(Ref x) {
        if (x.key() == null || !(x.node() instanceof MappingNode m) || m.getFlowStyle() != FlowStyle.BLOCK
                || m.getValue().isEmpty()) {
            return 0;
        }
        return col(m.getValue().getFirst().getKeyNode()) - col(x.key());
    }

    private int firstIndent(Node n, int depth) {
        if (depth > 50 || !(n instanceof MappingNode m) || m.getFlowStyle() != FlowStyle.BLOCK) return 0;
        for (NodeTuple t : m.getValue()) {
            if (t.getValueNode() instanceof MappingNode v && v.getFlowStyle() == FlowStyle.BLOCK
                    && !v.getValue().isEmpty() && start(v) > end(t.getKeyNode())) {
                int s = col(v.getValue().getFirst().getKeyNode()) - col(t.getKeyNode());
                if (s > 0) return s;
            }
        }
        return 0;
    }

    private static int col(Node n) {
        return n.getStartMark().map(Mark::getColumn).orElse(0);
    }

    // ---- proof ----

    private void verify(List<Change> changes, String after) {
        SourceYaml re;
        try {
            re = parse(file, after);
        } catch (YamlEditException e) {
            throw new YamlEditException("edit refused, the result does not parse: " + e.getMessage());
        }
        if (leaves == null) leaves = leaves(documents);
        Map<String, String> a = leaves;
        Map<String, String> b = leaves(re.documents);
        Map<String, String> expected = new LinkedHashMap<>(a);
        Map<String, String> wanted = new LinkedHashMap<>();
        for (Change c : changes) {
            String base = c.at().path();
            c.values().forEach((rel, v) -> {
                // placeholders ({} or null) on the way to a wanted value are replaced by mappings
                String p = base;
                for (String part : rel.split("/")) {
                    String old = expected.get(p);
                    if (old != null && (old.equals("{}") || old.startsWith("null:"))) expected.remove(p);
                    p = p + "/" + part;
                }
                expected.remove(p);
                wanted.put(p, v);
            });
        }
        List<String> diffs = new ArrayList<>();
        for (var e : expected.entrySet()) {
            String got = b.get(e.getKey());
            if (!e.getValue().equals(got)) diffs.add(e.getKey() + (got == null ? " missing" : " changed"));
        }
        for (var e : wanted.entrySet()) {
            String got = b.get(e.getKey());
            if (got == null) diffs.add(e.getKey() + " not written");
            else if (!valueOf(got).equals(e.getValue())) diffs.add(e.getKey() + " reads back as " + valueOf(got));
        }
        for (String k : b.keySet()) if (!expected.containsKey(k) && !wanted.containsKey(k)) diffs.add(k + " appeared");
        if (!diffs.isEmpty()) {
            throw new YamlEditException(file + ": edit refused, the re-parse shows other changes: "
                    + String.join("; ", diffs.subList(0, Math.min(5, diffs.size())))
                    + (diffs.size() > 5 ? " (+" + (diffs.size() - 5) + " more)" : ""));
        }
    }

    /** The text of a scalar leaf ("int:1" → "1"). */
    private static String valueOf(String leaf) {
        int i = leaf.indexOf(':');
        return i > 0 && leaf.substring(0, i).matches("str|int|float") ? leaf.substring(i + 1) : leaf;
    }

    /** Every scalar, empty mapping and empty sequence by path, aliases expanded (cycles and blow-ups refused). */
    private static Map<String, String> leaves(List<Node> docs) {
        Map<String, String> out = new LinkedHashMap<>();
        Set<Node> stack = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < docs.size(); i++) leaves(docs.get(i), "#" + i, out, stack);
        return out;
    }

    private static void leaves(Node n, String path, Map<String, String> out, Set<Node> stack) {
        if (out.size() > 2_000_000) throw new YamlEditException("too many nodes to verify an edit");
        if (!stack.add(n)) throw new YamlEditException("recursive alias at " + path);
        try {
            switch (n) {
                case ScalarNode s -> out.put(path, shortTag(s.getTag()) + ":" + s.getValue());
                case MappingNode m when m.getValue().isEmpty() -> out.put(path, "{}");
                case MappingNode m -> {
                    for (NodeTuple t : m.getValue()) {
                        String k = t.getKeyNode() instanceof ScalarNode ks ? ks.getValue() : "?";
                        leaves(t.getValueNode(), path + "/" + k, out, stack);
                    }
                }
                case SequenceNode q when q.getValue().isEmpty() -> out.put(path, "[]");
                case SequenceNode q -> {
                    for (int i = 0; i < q.getValue().size(); i++) leaves(q.getValue().get(i), path + "/[" + i + "]", out, stack);
                }
                default -> out.put(path, "?");
            }
        } finally {
            stack.remove(n);
        }
    }

    private static String shortTag(Tag t) {
        String v = t.getValue();
        return v.startsWith(Tag.PREFIX) ? v.substring(Tag.PREFIX.length()) : v;
    }

    // ---- positions ----

    private int start(Node n) {
        return toChar(n.getStartMark().map(Mark::getIndex).orElse(0));
    }

    private int end(Node n) {
        return toChar(n.getEndMark().map(Mark::getIndex).orElse(0));
    }

    private int toChar(int cp) {
        if (charIndex == null) return Math.min(cp, content.length());
        return charIndex[Math.min(cp, charIndex.length - 1)];
    }

    private static int[] codePoints(String s) {
        int n = s.codePointCount(0, s.length());
        int[] idx = new int[n + 1];
        int c = 0;
        for (int i = 0; i < n; i++) {
            idx[i] = c;
            c += Character.charCount(s.codePointAt(c));
        }
        idx[n] = s.length();
        return idx;
    }

    private void countUses(Node n) {
        int u = uses.merge(n, 1, Integer::sum);
        if (u > 1) return;
        switch (n) {
            case MappingNode m -> m.getValue().forEach(t -> {
                countUses(t.getKeyNode());
                countUses(t.getValueNode());
            });
            case SequenceNode q -> q.getValue().forEach(this::countUses);
            default -> { }
        }
    }

    private static boolean isMergeKey(ScalarNode k) {
        return MERGE.equals(k.getValue()) && k.getScalarStyle() == ScalarStyle.PLAIN;
    }

    private static String anchor(Node n) {
        return n.getAnchor().map(a -> a.getValue()).orElse("?");
    }

    private static String firstLine(String s) {
        if (s == null) return "not YAML";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
