package io.kubechores.promote;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Links for a promotion PR from the Tool's source repository: the release notes of the new version and the compare
 * view between the two. GitHub: /releases/tag/&lt;tag&gt; and /compare/&lt;a&gt;...&lt;b&gt;
 * (https://docs.github.com/en/repositories/releasing-projects-on-github/linking-to-releases,
 * https://docs.github.com/en/pull-requests/committing-changes-to-your-project/viewing-and-comparing-commits/comparing-commits);
 * GitLab: /-/releases/&lt;tag&gt; and /-/compare/&lt;a&gt;...&lt;b&gt;. The tag is the version as written in the Tool.
 * Another host, or no source, gives no links (nothing is guessed).
 */
public final class ReleaseLinks {
    private ReleaseLinks() {}

    /** "release notes" → url, "compare" → url; empty when unknown. */
    public static Map<String, String> of(String source, String from, String to) {
        Map<String, String> m = new LinkedHashMap<>();
        if (source == null || source.isBlank() || from == null || to == null) return m;
        URI u;
        try {
            u = URI.create(source.trim());
        } catch (IllegalArgumentException e) {
            return m;
        }
        if (!"https".equals(u.getScheme()) || u.getHost() == null) return m;
        String base = source.trim().replaceAll("/+$", "").replaceAll("\\.git$", "");
        String a = SemVer.withoutDigest(from);
        String b = SemVer.withoutDigest(to);
        if (u.getHost().equals("github.com")) {
            m.put("release notes", base + "/releases/tag/" + b);
            m.put("compare", base + "/compare/" + a + "..." + b);
        } else if (u.getHost().contains("gitlab")) {
            m.put("release notes", base + "/-/releases/" + b);
            m.put("compare", base + "/-/compare/" + a + "..." + b);
        }
        return m;
    }
}
