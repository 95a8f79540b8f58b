package io.kubechores.promote;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A version ordered by Semantic Versioning 2.0.0 precedence (https://semver.org/#spec-item-11): major, minor, patch
 * numerically; a pre-release sorts before its release; pre-release identifiers compare left to right, numeric ones
 * numerically and below alphanumeric ones (ASCII order), a longer list after its prefix; build metadata is ignored.
 * Helm chart versions are SemVer 2 (https://helm.sh/docs/topics/charts/#charts-and-versioning), so one order serves
 * charts and image tags.
 * <p>
 * Accepted beyond the strict grammar, because image tags are written that way: one leading {@code v}
 * ({@code v1.11.3}), and a digest pin after the tag ({@code 1.11.3@sha256:…}, the digest is not part of the order).
 * Anything else ({@code latest}, {@code 2024-06-01}, {@code 1.2}) is not a version that can be ordered: promote then
 * refuses and asks a human instead of guessing.
 * <p>
 * Hand-written rather than a library (java-semver, semver4j): none is on this build's class path, the rule is the
 * spec's one paragraph, and the leading-v / digest-pin forms need handling around any of them anyway; SemVerTest
 * encodes the spec's own examples.
 */
public record SemVer(BigInteger major, BigInteger minor, BigInteger patch, List<String> preRelease, String build)
        implements Comparable<SemVer> {
    // the grammar of https://semver.org/#backusnaur-form-grammar-for-valid-semver-versions, plus "v" and "@digest"
    private static final String NUM = "0|[1-9]\\d*";
    private static final String PRE_ID = "(?:0|[1-9]\\d*|\\d*[A-Za-z-][0-9A-Za-z-]*)";
    private static final Pattern SEMVER = Pattern.compile("v?(" + NUM + ")\\.(" + NUM + ")\\.(" + NUM + ")"
            + "(?:-(" + PRE_ID + "(?:\\." + PRE_ID + ")*))?"
            + "(?:\\+([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?"
            + "(?:@sha256:[0-9a-f]{64})?");

    public SemVer {
        preRelease = List.copyOf(preRelease);
    }

    public static Optional<SemVer> parse(String text) {
        if (text == null) return Optional.empty();
        Matcher m = SEMVER.matcher(text.trim());
        if (!m.matches()) return Optional.empty();
        return Optional.of(new SemVer(new BigInteger(m.group(1)), new BigInteger(m.group(2)), new BigInteger(m.group(3)),
                m.group(4) == null ? List.of() : List.of(m.group(4).split("\\.")), m.group(5)));
    }

    /** The tag without a digest pin: {@code 1.2.3@sha256:ab…} → {@code 1.2.3}. */
    public static String withoutDigest(String version) {
        if (version == null) return null;
        int at = version.indexOf('@');
        return at < 0 ? version : version.substring(0, at);
    }

    /**
     * Whether a running version is the wanted one: the same text, or the same tag where one side carries a digest
     * pin ({@code 1.2.3@sha256:…} runs as {@code 1.2.3}); two different digests of one tag are different versions.
     */
    public static boolean sameVersion(String wanted, String running) {
        if (wanted == null || running == null) return false;
        if (wanted.equals(running)) return true;
        if (!withoutDigest(wanted).equals(withoutDigest(running))) return false;
        return wanted.indexOf('@') < 0 || running.indexOf('@') < 0;
    }

    @Override
    public int compareTo(SemVer o) {
        int c = major.compareTo(o.major);
        if (c == 0) c = minor.compareTo(o.minor);
        if (c == 0) c = patch.compareTo(o.patch);
        if (c != 0) return c;
        if (preRelease.isEmpty() || o.preRelease.isEmpty()) {
            return Boolean.compare(preRelease.isEmpty(), o.preRelease.isEmpty()); // release > pre-release
        }
        for (int i = 0; i < Math.min(preRelease.size(), o.preRelease.size()); i++) {
            String a = preRelease.get(i);
            String b = o.preRelease.get(i);
            boolean an = a.chars().allMatch(Character::isDigit);
            boolean bn = b.chars().allMatch(Character::isDigit);
            int d = an && bn ? new BigInteger(a).compareTo(new BigInteger(b))
                    : an ? -1 : bn ? 1 : a.compareTo(b); // numeric < alphanumeric; ASCII order for letters
            if (d != 0) return Integer.signum(d);
        }
        return Integer.compare(preRelease.size(), o.preRelease.size());
    }

    /** major / minor / patch / pre-release: what changes from older to this one ("none" when equal precedence). */
    public String bumpFrom(SemVer older) {
        if (!major.equals(older.major)) return "major";
        if (!minor.equals(older.minor)) return "minor";
        if (!patch.equals(older.patch)) return "patch";
        if (!preRelease.equals(older.preRelease)) return "pre-release";
        return "none";
    }
}
