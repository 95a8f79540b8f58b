package io.kubechores.model.rightsize;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds JVM heap-sizing flags in a container's environment and command line. A JVM's memory use follows its heap
 * settings, not its load: with {@code -Xmx} the heap grows to that size before a full collection gives anything back,
 * and with {@code -XX:MaxRAMPercentage} the heap is a share of the container's memory limit, so a VPA recommendation
 * taken from such a container's usage says more about the flags than about the need (and a lower limit shrinks the
 * heap, lowers the usage the VPA sees next week, and so on). Memory of these containers is left to a human unless the
 * policy says {@code jvmMemory: size} ({@code rightsize.MemorySafety}).
 * <p>
 * Where the flags are looked for: {@code JAVA_TOOL_OPTIONS} (Oracle, Java SE Troubleshooting Guide, "Environment
 * Variables and System Properties": JNI_CreateJavaVM prepends its value to the VM's options, so every JVM reads it),
 * {@code JDK_JAVA_OPTIONS} (read by the {@code java} launcher since JDK 9, the java command's documentation),
 * {@code JAVA_OPTS} (in no Oracle document: the convention of start scripts such as Tomcat's catalina.sh and many
 * base images), and the container's {@code command}/{@code args} up to {@code -jar <file>} (what follows is the
 * application's own arguments). An env var of these names set through
 * {@code valueFrom} (a ConfigMap or Secret) cannot be read here and counts as "may hold heap flags".
 */
public final class JvmHeapFlags {
    /** Environment variables whose value is JVM options. */
    public static final List<String> ENV = List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "JAVA_OPTS");

    /** Heap-sizing flags: maximum/initial heap and the container-relative RAM percentages and caps. */
    private static final Pattern FLAG = Pattern.compile(
            "-Xm[xs]\\d+[kKmMgGtT]?|-XX:(?:MaxHeapSize|InitialHeapSize|MaxRAM)=\\d+[kKmMgGtT]?"
                    + "|-XX:(?:Max|Min|Initial)RAMPercentage=\\d+(?:\\.\\d+)?|-XX:MaxRAMFraction=\\d+");
    private static final Pattern XMX = Pattern.compile("-X(?:mx|X:MaxHeapSize=)(\\d+)([kKmMgGtT]?)");

    private JvmHeapFlags() {}

    /**
     * @param env     the container's env: name → value, a null value for one set through valueFrom
     * @param command the container's command (may be empty)
     * @param args    the container's args (may be empty)
     * @return where heap flags were found, e.g. {@code JAVA_OPTS: -Xmx2g; args: -XX:MaxRAMPercentage=75}, or null
     */
    public static String detect(Map<String, String> env, List<String> command, List<String> args) {
        List<String> found = new ArrayList<>();
        for (String name : ENV) {
            if (!env.containsKey(name)) continue;
            String v = env.get(name);
            if (v == null) {
                found.add(name + ": set from valueFrom (not readable here)");
                continue;
            }
            List<String> flags = flags(tokens(List.of(v)), false);
            if (!flags.isEmpty()) found.add(name + ": " + String.join(" ", flags));
        }
        List<String> cmd = new ArrayList<>(command == null ? List.of() : command);
        cmd.addAll(args == null ? List.of() : args);
        List<String> flags = flags(tokens(cmd), true);
        if (!flags.isEmpty()) found.add("command/args: " + String.join(" ", flags));
        return found.isEmpty() ? null : String.join("; ", found);
    }

    /** The largest -Xmx (or -XX:MaxHeapSize) in a {@link #detect} result, in bytes; null when none is given. */
    public static Long maxHeapBytes(String detected) {
        if (detected == null) return null;
        Long max = null;
        Matcher m = XMX.matcher(detected);
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            long mult = switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "k" -> 1L << 10;
                case "m" -> 1L << 20;
                case "g" -> 1L << 30;
                case "t" -> 1L << 40;
                default -> 1L;
            };
            long bytes = n * mult;
            if (max == null || bytes > max) max = bytes;
        }
        return max;
    }

    /** Whitespace-separated tokens of every element (a {@code sh -c "java -Xmx1g ..."} string included). */
    private static List<String> tokens(List<String> values) {
        List<String> out = new ArrayList<>();
        for (String v : values) {
            if (v == null) continue;
            for (String t : v.trim().split("\\s+")) {
                if (t.isEmpty()) continue;
                out.add(t.replaceAll("^[\"']+|[\"';]+$", ""));
            }
        }
        return out;
    }

    private static List<String> flags(List<String> tokens, boolean commandLine) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            if (commandLine && t.equals("-jar")) break; // what follows the jar file is the application's
            if (FLAG.matcher(t).matches()) out.add(t);
        }
        return out;
    }
}
