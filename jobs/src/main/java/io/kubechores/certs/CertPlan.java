package io.kubechores.certs;

import java.util.Comparator;
import java.util.List;

/**
 * The planner's verdict for one partition.
 *
 * @param findings every certificate judged, sorted by expiry (soonest first)
 * @param excluded how many certificates exclusions removed
 * @param problems sources that could not be checked
 * @param errors   the read failures among them, structured
 */
public record CertPlan(List<Finding> findings, int excluded, List<String> problems, List<SourceError> errors) {
    public CertPlan(List<Finding> findings, int excluded, List<String> problems) {
        this(findings, excluded, problems, List.of());
    }

    /** Soonest expiry first; unknown expiry last; then location. */
    public static final Comparator<Finding> BY_EXPIRY = Comparator
            .comparing((Finding f) -> f.notAfter() == null ? java.time.Instant.MAX : f.notAfter())
            .thenComparing(Finding::cluster).thenComparing(f -> f.source().id()).thenComparing(Finding::namespace)
            .thenComparing(Finding::name).thenComparing(f -> f.item() == null ? "" : f.item());

    public CertPlan {
        findings = findings.stream().sorted(BY_EXPIRY).toList();
        problems = List.copyOf(problems);
        errors = List.copyOf(errors);
    }

    public List<Finding> alerting() {
        return findings.stream().filter(f -> f.severity().alerting()).toList();
    }

    public long count(Severity s) {
        return findings.stream().filter(f -> f.severity() == s).count();
    }
}
