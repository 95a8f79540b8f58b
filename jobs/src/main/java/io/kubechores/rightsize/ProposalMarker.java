package io.kubechores.rightsize;

import io.kubechores.model.rightsize.Quantities;
import io.kubechores.model.rightsize.ResourceValues;

import io.kubechores.rightsize.RightsizePlan.ContainerProposal;
import io.kubechores.rightsize.RightsizePlan.FieldChange;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hidden marker at the end of a right-sizing PR body: every proposed value, one per line
 * ({@code source-block|container|field=value}). A later run reads it back from a PR a human closed to decide whether
 * the recommendation moved enough (reopenThresholdPercent) to propose again: the forge is the memory, no extra state.
 */
public final class ProposalMarker {
    static final String START = "<!-- kubechores:rightsize:proposal";
    private static final Pattern BLOCK = Pattern.compile(Pattern.quote(START) + "\\n(.*?)-->", Pattern.DOTALL);

    private ProposalMarker() {}

    /** Proposed values keyed by source block, container and field. */
    public static Map<String, String> values(List<ContainerProposal> proposals) {
        Map<String, String> out = new TreeMap<>();
        for (ContainerProposal p : proposals) {
            for (FieldChange c : p.fieldChanges()) {
                out.put(p.source().key() + "|" + p.container() + "|" + c.field(), c.to());
            }
        }
        return out;
    }

    public static String render(Map<String, String> values) {
        StringBuilder sb = new StringBuilder(START).append('\n');
        values.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        return sb.append("-->").toString();
    }

    public static Optional<Map<String, String>> parse(String body) {
        if (body == null) return Optional.empty();
        Matcher m = BLOCK.matcher(body);
        if (!m.find()) return Optional.empty();
        Map<String, String> out = new TreeMap<>();
        for (String line : m.group(1).split("\n")) {
            int eq = line.lastIndexOf('=');
            if (eq > 0) out.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
        }
        return Optional.of(out);
    }

    /**
     * How far (in %) the new proposal moved from the previous one: the largest relative difference of a value
     * proposed both times; a value proposed only now counts with its change against today's source.
     */
    public static double moved(Map<String, String> previous, List<ContainerProposal> now) {
        double max = 0;
        for (ContainerProposal p : now) {
            for (FieldChange c : p.fieldChanges()) {
                String before = previous.get(p.source().key() + "|" + p.container() + "|" + c.field());
                double d;
                if (before == null) {
                    d = Math.abs(c.percent());
                } else {
                    boolean cpu = ResourceValues.isCpu(c.field());
                    long a = cpu ? Quantities.cpuMillis(before) : Quantities.memoryBytes(before);
                    long b = cpu ? Quantities.cpuMillis(c.to()) : Quantities.memoryBytes(c.to());
                    d = a == 0 ? 100 : Math.abs(b - a) * 100.0 / a;
                }
                max = Math.max(max, d);
            }
        }
        return max;
    }
}
