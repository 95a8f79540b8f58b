package io.kubechores.desiredstate;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps secrets out of everything a person or a database sees: logs, action details, partition errors, reports,
 * job history. Two nets:
 * <ul>
 *   <li>every secret value read through {@code SecretSource} is {@link #register registered} (trimmed, and its
 *       URL-encoded form) and replaced by {@code ***} wherever it appears;</li>
 *   <li>shapes that carry secrets are masked even when their value was never registered: Slack webhook paths
 *       ({@code hooks.slack.com/services/T…/B…/…}), URL userinfo ({@code https://user:pass@host}), credential query
 *       parameters ({@code token=}, {@code access_token=}, {@code X-Amz-Signature=}, ...), {@code Authorization:
 *       Bearer/Basic …}, and well-known token formats (GitHub {@code ghp_…}/{@code github_pat_…}, GitLab
 *       {@code glpat-…}, Slack {@code xox?-…}, AWS access key ids {@code AKIA…}/{@code ASIA…}).</li>
 * </ul>
 * Token formats: GitHub "About authentication to GitHub" (token prefixes), GitLab "Personal access tokens"
 * (glpat- prefix), Slack "Token types" (xoxb-/xoxp-), AWS IAM "Unique identifiers" (AKIA/ASIA prefixes).
 */
public final class Secrets {
    public static final String MASK = "***";
    private static final Set<String> VALUES = ConcurrentHashMap.newKeySet();
    private static final int MIN_LENGTH = 6; // shorter values would mask ordinary words

    /**
     * A shape rule and its cheap precondition: {@code may} is true whenever the pattern can match (a literal every match
     * contains), so the regex runs only on the few texts that could hold the shape. scrub runs on every log message and
     * every Action (issue 15: the five regexes on every line were 23% of a 2,000-change run's CPU).
     */
    private record Rule(Pattern pattern, String replacement, java.util.function.BiPredicate<String, String> may) {}

    private static final List<Rule> RULES = List.of(
            new Rule(Pattern.compile("(?i)(hooks\\.slack\\.com/(?:services|workflows|triggers)/)[^\\s\"'<>]+"), "$1" + MASK,
                    (t, lower) -> lower.contains("hooks.slack.com/")),
            new Rule(Pattern.compile("(?i)([a-z][a-z0-9+.-]*://)[^/\\s:@\"'<>]+:[^/\\s@\"'<>]*@"), "$1" + MASK + "@",
                    (t, lower) -> t.indexOf('@') >= 0 && t.contains("://")),
            new Rule(Pattern.compile("(?i)([?&;](?:access_token|token|private_token|api[_-]?key|apikey|key|secret|password"
                    + "|passwd|sig|signature|x-amz-signature|x-amz-security-token|x-amz-credential|client_secret|code)=)"
                    + "[^&\\s\"'<>#]+"), "$1" + MASK,
                    (t, lower) -> t.indexOf('=') >= 0),
            new Rule(Pattern.compile("(?i)\\b(bearer|basic|token)(\\s+)[A-Za-z0-9._~+/=-]{8,}"), "$1$2" + MASK,
                    (t, lower) -> lower.contains("bearer") || lower.contains("basic") || lower.contains("token")),
            new Rule(Pattern.compile("\\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{16,}"
                    + "|xox[abposr]-[A-Za-z0-9-]{10,}|(?:AKIA|ASIA)[0-9A-Z]{16})\\b"), MASK,
                    (t, lower) -> t.indexOf('_') >= 0 && (t.contains("gh") || t.contains("github_pat_")) || t.contains("glpat-") || t.contains("xox")
                            || t.contains("AKIA") || t.contains("ASIA")));

    private Secrets() {}

    /** Remembers a secret value (trimmed) so that {@link #scrub} masks it wherever it shows up. Returns it trimmed. */
    public static String register(String value) {
        if (value == null) return null;
        String v = value.strip();
        if (v.length() >= MIN_LENGTH) {
            VALUES.add(v);
            String enc = URLEncoder.encode(v, StandardCharsets.UTF_8);
            if (!enc.equals(v)) VALUES.add(enc);
        }
        return v;
    }

    /** The text with every registered secret and every secret-shaped part masked. Null stays null. */
    public static String scrub(String text) {
        return scrub(text, true);
    }

    /** {@code prefilter=false}: every regex on every text, for the test proving the preconditions never skip a match. */
    static String scrub(String text, boolean prefilter) {
        if (text == null || text.isEmpty()) return text;
        String out = text;
        for (String v : VALUES) {
            if (out.contains(v)) out = out.replace(v, MASK);
        }
        String lower = prefilter ? out.toLowerCase(java.util.Locale.ROOT) : null;
        for (Rule r : RULES) {
            if (prefilter && !r.may().test(out, lower)) continue;
            Matcher m = r.pattern().matcher(out);
            if (m.find()) {
                out = m.replaceAll(r.replacement());
                if (prefilter) lower = out.toLowerCase(java.util.Locale.ROOT);
            }
        }
        return out;
    }

    /** For tests. */
    static void forgetAll() {
        VALUES.clear();
    }
}
