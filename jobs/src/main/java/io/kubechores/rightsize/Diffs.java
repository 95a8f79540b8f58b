package io.kubechores.rightsize;

/**
 * Unified diffs of edited files. The editor only replaces scalar values, never adds or removes lines, so a
 * line-by-line comparison is exact; changed lines are shown with one line of context.
 */
public final class Diffs {
    private Diffs() {}

    public static String unified(String path, String before, String after) {
        String[] a = before.split("\n", -1);
        String[] b = after.split("\n", -1);
        if (a.length != b.length) throw new IllegalStateException(path + ": line count changed by an edit");
        int n = a.length > 0 && a[a.length - 1].isEmpty() && b[b.length - 1].isEmpty() ? a.length - 1 : a.length;
        StringBuilder sb = new StringBuilder("--- a/").append(path).append("\n+++ b/").append(path).append('\n');
        int i = 0;
        while (i < n) {
            if (a[i].equals(b[i])) {
                i++;
                continue;
            }
            int e = i;
            while (true) {
                while (e < n && !a[e].equals(b[e])) e++;
                int j = e;
                while (j < n && j < e + 3 && a[j].equals(b[j])) j++;
                if (j < n && j < e + 3 && !a[j].equals(b[j])) {
                    e = j;
                    continue;
                }
                break;
            }
            int from = Math.max(0, i - 1);
            int to = Math.min(n, e + 1);
            sb.append("@@ -").append(from + 1).append(',').append(to - from).append(" +").append(from + 1)
                    .append(',').append(to - from).append(" @@\n");
            int k = from;
            while (k < to) {
                if (a[k].equals(b[k])) {
                    sb.append(' ').append(a[k++]).append('\n');
                    continue;
                }
                int r = k;
                while (r < to && !a[r].equals(b[r])) r++;
                for (int x = k; x < r; x++) sb.append('-').append(a[x]).append('\n');
                for (int x = k; x < r; x++) sb.append('+').append(b[x]).append('\n');
                k = r;
            }
            i = to;
        }
        return sb.toString();
    }
}
