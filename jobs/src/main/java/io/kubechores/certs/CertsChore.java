package io.kubechores.certs;

import io.kubechores.core.Action;
import io.kubechores.core.Chore;
import io.kubechores.core.ChoreContext;
import io.kubechores.core.ChoreReport;
import io.kubechores.core.PartitionPlan;
import io.kubechores.core.PartitionResult;
import io.kubechores.platform.StateStore;
import io.kubechores.desiredstate.CertificatePolicySpec;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.FleetSpec;
import io.kubechores.desiredstate.Resource;
import io.kubechores.platform.kube.CertsKube;
import io.kubechores.platform.notify.Notifier;
import io.kubechores.platform.tls.TlsProber;
import io.kubechores.report.Reports;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * certs: inventories every certificate a cluster depends on (TLS endpoints incl. API server and etcd, TLS/PEM
 * secrets, PEM ConfigMaps, kubeconfig, webhook/APIService/CRD caBundles, cert-manager Certificates), judges them with
 * the CertificatePolicy ({@link ExpiryPolicy}), and reports: console table, HTML with a timeline, JSON, Pushgateway
 * metrics, and a Slack message listing only findings new or changed since the last alert (state in the
 * {@link StateStore}). It never changes a cluster; its only "mutations" are the Slack post and the metrics push.
 */
@Component
public class CertsChore implements Chore<PartitionPlan<CertPlan>, CertPlan, CertsAlerts> {
    public static final String NAME = "certs";
    /** Partition key of the fleet-level endpoints of every policy. */
    public static final String ENDPOINTS = "~endpoints";
    static final String STATE_PREFIX = "alerted/";
    static final String PLAN = "plan";

    private static final Logger log = LoggerFactory.getLogger(CertsChore.class);

    private final int pageSize;
    private final int probeConcurrency;

    /**
     * Secrets/ConfigMaps per list request. Small enough that a page of the largest objects a cluster may hold
     * (1 MiB each, the API server's object limit) stays bounded (~100 MiB transient at worst, typically well under
     * 1 MiB); Helm releases, the common large ones, are filtered out by the server anyway.
     */
    public static final int DEFAULT_PAGE_SIZE = 100;

    public CertsChore() {
        this(DEFAULT_PAGE_SIZE, 128);
    }

    /** @param pageSize Secrets/ConfigMaps per list request  @param probeConcurrency TLS probes at a time */
    public CertsChore(int pageSize, int probeConcurrency) {
        this.pageSize = pageSize;
        this.probeConcurrency = probeConcurrency;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Find every certificate that can take a cluster down and warn before it expires (once per finding)";
    }

    @Override
    public List<String> partitions(ChoreContext ctx) {
        Set<String> out = new LinkedHashSet<>();
        for (Resource<ClusterSpec> c : ctx.state().clusters()) {
            if (!policiesFor(ctx, c).isEmpty()) out.add(c.name());
        }
        if (ctx.state().certificatePolicies().stream().anyMatch(p -> !p.spec().endpoints().isEmpty())) {
            out.add(ENDPOINTS);
        }
        return List.copyOf(out);
    }

    static List<Resource<CertificatePolicySpec>> policiesFor(ChoreContext ctx, Resource<ClusterSpec> cluster) {
        return ctx.state().certificatePolicies().stream().filter(p -> p.spec().clusters().matches(cluster))
                .sorted(Comparator.comparing(Resource::name)).toList();
    }

    @Override
    public PartitionPlan<CertPlan> plan(ChoreContext ctx, String partition) {
        CertPlan plan = ENDPOINTS.equals(partition) ? planEndpoints(ctx) : planCluster(ctx, partition);
        List<String> warnings = new ArrayList<>(plan.problems());
        for (Finding f : plan.alerting()) {
            log.info("job=certs cluster={} source={} namespace={} name={} severity={} notAfter={} reason={}",
                    f.cluster(), f.source().id(), f.namespace(), f.name(), f.severity(), f.notAfter(), f.reason());
        }
        return PartitionPlan.of(PartitionResult.ok(partition, List.of(), warnings, plan));
    }

    private CertPlan planCluster(ChoreContext ctx, String clusterName) {
        Resource<ClusterSpec> cluster = ctx.state().cluster(clusterName)
                .orElseThrow(() -> new IllegalArgumentException("unknown cluster " + clusterName));
        List<Resource<CertificatePolicySpec>> policies = policiesFor(ctx, cluster);
        CertificatePolicySpec.Scan scan = union(policies);
        int timeout = policies.stream().mapToInt(p -> p.spec().timeoutSeconds()).min().orElse(5);
        CertsCollector collector = new CertsCollector(new TlsProber(Duration.ofSeconds(timeout), probeConcurrency),
                pageSize, ctx.clock()::instant).withKeystores(policies.stream()
                .flatMap(p -> p.spec().keystores().stream()).toList());
        // the kops state store is read first and on its own: when the cluster's API is down (its certificates
        // expired), the keysets still say which one did
        CertInventory kops = scan.kops() ? KopsCerts.read(clusterName, cluster.spec(), ctx.platform().aws())
                : CertInventory.empty();
        CertsKube kube = new CertsKube(ctx.platform().kube().client(cluster));
        List<java.security.cert.X509Certificate> privateCas = new ArrayList<>();
        List<String> bundleProblems = new ArrayList<>();
        List<SourceError> bundleErrors = new ArrayList<>();
        for (Resource<CertificatePolicySpec> p : policies) {
            var b = p.spec().caBundle();
            if (b == null) continue;
            try {
                privateCas.addAll(b.file() != null ? CaBundles.fromFile(ctx.state().root(), b.file())
                        : CaBundles.fromCluster(kube, b));
            } catch (RuntimeException e) {
                bundleProblems.add(clusterName + " caBundle of " + p.name() + ": " + e.getMessage());
                bundleErrors.add(new SourceError(clusterName, "ca-bundle", p.name(), e.getMessage()));
            }
        }
        CertInventory inv = KopsCerts.alongside(clusterName, kops,
                () -> collector.cluster(clusterName, cluster.spec(), kube, scan, privateCas));
        if (!bundleProblems.isEmpty()) {
            inv = inv.plus(new CertInventory(List.of(), List.of(), bundleProblems, bundleErrors));
        }
        // every policy selecting the cluster applies, merged: strictest threshold wins (ExpiryPolicy.merge)
        return ExpiryPolicy.plan(String.join("+", policies.stream().map(Resource::name).toList()),
                policies.stream().map(Resource::spec).toList(), inv, ctx.clock());
    }

    private CertPlan planEndpoints(ChoreContext ctx) {
        List<Finding> findings = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<SourceError> errors = new ArrayList<>();
        int excluded = 0;
        for (Resource<CertificatePolicySpec> p : ctx.state().certificatePolicies()) {
            if (p.spec().endpoints().isEmpty()) continue;
            CertsCollector collector = new CertsCollector(
                    new TlsProber(Duration.ofSeconds(p.spec().timeoutSeconds()), probeConcurrency), pageSize,
                    ctx.clock()::instant);
            CertPlan plan = ExpiryPolicy.plan(p.name(), p.spec(), collector.endpoints(p.spec().endpoints(),
                    e -> endpointTrust(ctx, e)), ctx.clock());
            findings.addAll(plan.findings());
            problems.addAll(plan.problems());
            errors.addAll(plan.errors());
            excluded += plan.excluded();
        }
        return new CertPlan(findings, excluded, problems, errors);
    }

    /** An endpoint's caBundle (repo file, or a Secret/ConfigMap of the cluster it names), else the JDK's anchors. */
    static List<java.security.cert.X509Certificate> endpointTrust(ChoreContext ctx, CertificatePolicySpec.Endpoint e) {
        var b = e.caBundle();
        if (b == null) return io.kubechores.platform.tls.JdkTrust.anchors();
        if (b.file() != null) return CaBundles.fromFile(ctx.state().root(), b.file());
        var ref = b.secret() != null ? b.secret() : b.configMap();
        Resource<ClusterSpec> cluster = ctx.state().cluster(ref.cluster())
                .orElseThrow(() -> new CaBundles.BundleException("caBundle names unknown cluster " + ref.cluster()));
        return CaBundles.fromCluster(new CertsKube(ctx.platform().kube().client(cluster)), b);
    }

    static CertificatePolicySpec.Scan union(List<Resource<CertificatePolicySpec>> policies) {
        boolean[] s = new boolean[10];
        for (var p : policies) {
            var x = p.spec().scan();
            boolean[] v = {x.tlsSecrets(), x.pemSecrets(), x.configMaps(), x.kubeconfig(), x.webhooks(), x.apiServer(),
                    x.etcd(), x.certManager(), x.kubelets(), x.kops()};
            for (int i = 0; i < s.length; i++) s[i] |= v[i];
        }
        return new CertificatePolicySpec.Scan(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9]);
    }

    @Override
    public CertsAlerts rollUp(ChoreContext ctx, List<PartitionResult<CertPlan>> results) {
        return CertsAlerts.of(ctx, results);
    }

    @Override
    public CertsAlerts applyRollUp(ChoreContext ctx, CertsAlerts alerts) {
        return alerts.apply(ctx);
    }

    @Override
    public ChoreReport report(ChoreContext ctx, List<PartitionResult<CertPlan>> results, CertsAlerts alerts) {
        ZoneId zone = ZoneId.of(ctx.state().fleetSpec().timeZone());
        CertPlan all = alerts.all();
        List<String> failed = alerts.failed();
        String console = Reports.render("console/certs-findings.ftl", consoleModel(all, zone));
        List<Path> artifacts = new ArrayList<>();
        if (ctx.outputDir() != null) {
            artifacts.add(Reports.write(ctx.outputDir(), "certs-findings.txt", console));
            artifacts.add(Reports.write(ctx.outputDir(), "certs-report.html",
                    Reports.render("html/certs-report.ftl", htmlModel(ctx, all, failed, zone))));
            artifacts.add(Reports.write(ctx.outputDir(), "certs-findings.json", Reports.json(jsonModel(ctx, all, failed))));
            if (alerts.slackText() != null) artifacts.add(Reports.write(ctx.outputDir(), "certs-slack.md", alerts.slackText()));
        }
        String summary = String.format("%d certificates on %d partition(s): %d expired, %d critical, %d warning, %d ok"
                        + " (%d excluded)%s%n%s", all.findings().size(), alerts.scanned().size(), all.count(Severity.EXPIRED),
                all.count(Severity.CRITICAL), all.count(Severity.WARNING), all.count(Severity.OK), all.excluded(),
                failed.isEmpty() ? "" : "; failed: " + String.join("; ", failed), console);
        return new ChoreReport(summary, List.of(), List.of(), artifacts, false);
    }

    /**
     * A finding's reminder interval: the shortest reminderHours of the policies that judged it (a merged finding
     * names them "a+b"); a failed source (no policy) takes the shortest of all. Null = never remind.
     */
    static Duration reminder(Finding f, Map<String, Integer> reminderByPolicy) {
        java.util.stream.Stream<Integer> hours = f.policy() == null || f.policy().isEmpty()
                ? reminderByPolicy.values().stream()
                : java.util.Arrays.stream(f.policy().split("\\+")).map(reminderByPolicy::get)
                        .filter(java.util.Objects::nonNull);
        return hours.min(Integer::compare).map(Duration::ofHours).orElse(null);
    }

    static Map<String, Object> consoleModel(CertPlan all, ZoneId zone) {
        List<Map<String, Object>> rows = CertsReport.rows(all.findings(), zone, false);
        Map<String, Object> m = new HashMap<>();
        m.put("rows", rows);
        m.put("w", CertsReport.widths(rows));
        m.put("hiddenOk", all.findings().size() - rows.size());
        m.put("problems", all.problems());
        return m;
    }

    private static Map<String, Object> htmlModel(ChoreContext ctx, CertPlan all, List<String> failed, ZoneId zone) {
        // the timeline's lines: the merged (strictest) thresholds of the policies that judged the findings
        ExpiryPolicy.Thresholds t = CertsReport.reportThresholds(all.findings(), ctx.state().certificatePolicies());
        int warn = t.warningDays();
        int crit = t.criticalDays();
        Map<String, Object> m = new HashMap<>();
        m.put("fleet", ctx.state().fleet().name());
        m.put("generated", CertsReport.date(ctx.clock().instant(), zone) + " " + zone.getId());
        m.put("revision", ctx.state().revision() == null ? "" : ctx.state().revision());
        m.put("dryRun", ctx.dryRun());
        m.put("rows", CertsReport.rows(all.findings(), zone, false));
        m.put("hiddenOk", all.findings().size() - CertsReport.rows(all.findings(), zone, false).size());
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Severity s : List.of(Severity.EXPIRED, Severity.CRITICAL, Severity.WARNING, Severity.OK)) {
            counts.put(s.name().toLowerCase(java.util.Locale.ROOT), all.count(s));
        }
        m.put("counts", counts);
        m.put("total", all.findings().size());
        m.put("excluded", all.excluded());
        m.put("problems", all.problems());
        m.put("failed", failed);
        m.put("timeline", CertsReport.timeline(all.findings(), ctx.clock().instant(), warn, crit, zone));
        return m;
    }

    private static Map<String, Object> jsonModel(ChoreContext ctx, CertPlan all, List<String> failed) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("job", NAME);
        m.put("generatedAt", ctx.clock().instant());
        m.put("revision", ctx.state().revision());
        m.put("dryRun", ctx.dryRun());
        m.put("excluded", all.excluded());
        m.put("problems", all.problems());
        m.put("failedPartitions", failed);
        m.put("findings", all.findings());
        return m;
    }
}
