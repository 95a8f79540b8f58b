package io.kubechores.quotas;

import io.kubechores.core.Action;
import io.kubechores.core.Chore;
import io.kubechores.core.ChoreContext;
import io.kubechores.core.ChoreReport;
import io.kubechores.core.PartitionPlan;
import io.kubechores.core.PartitionResult;
import io.kubechores.core.SafetyLimit;
import io.kubechores.desiredstate.FleetSpec;
import io.kubechores.platform.aws.AwsAccess;
import io.kubechores.platform.aws.AwsCallPolicy;
import io.kubechores.platform.aws.AwsClientFactory;
import io.kubechores.platform.aws.QuotasAws;
import io.kubechores.report.Reports;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * quotas: requests AWS quota increases ahead of need, never twice.
 * <p>
 * Partitions are account/region pairs. Per partition: assume the account's role, read every wanted quota
 * (GetServiceQuota, falling back to GetAWSDefaultServiceQuota), its request history and the support cases of
 * CASE_OPENED requests; plan ({@link QuotaPlanner}); then file RequestServiceQuotaIncrease for what is below need,
 * within maxRequestsPerRun and the run's safety limit, re-reading the history right before each request.
 * An account whose role or API access is denied fails alone (exit 3).
 */
@Component
public class QuotasChore implements Chore<QuotasChore.Plan, QuotasChore.Partition, QuotasEscalation> {
    public static final String NAME = "quotas";
    private static final Logger log = LoggerFactory.getLogger(QuotasChore.class);

    private final AwsCallPolicy callPolicy;
    private final QuotaRequests requests;
    private final InstanceTypes types;
    private final ActiveRequests.Limits limits;
    private final boolean liveInstanceTypes;
    /**
     * Per-run state keyed by the run's SafetyLimit (one instance shared by every partition of a run, and SafetyLimit
     * has identity equality): the capacity model, the maxRequestsPerRun budget and the client factory. Bounded, so a
     * run that never reaches finish() cannot leak.
     */
    private final Map<SafetyLimit, Run> runs = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<SafetyLimit, Run> eldest) {
            return size() > 32;
        }
    });

    /** Production: instance data from EC2 DescribeInstanceTypes per region, the shipped table as the fallback. */
    public QuotasChore() {
        this(AwsCallPolicy.defaults(), InstanceTypes.shipped(), ActiveRequests.Limits.AWS, true);
    }

    /** Uses exactly this instance table (no DescribeInstanceTypes), AWS's active-request limits. */
    public QuotasChore(AwsCallPolicy callPolicy, InstanceTypes types) {
        this(callPolicy, types, ActiveRequests.Limits.AWS, false);
    }

    public QuotasChore(AwsCallPolicy callPolicy, InstanceTypes types, ActiveRequests.Limits limits) {
        this(callPolicy, types, limits, false);
    }

    /**
     * @param types             the fallback table (and the quota classes)
     * @param liveInstanceTypes read EC2 DescribeInstanceTypes per region once per run, over {@code types}
     */
    public QuotasChore(AwsCallPolicy callPolicy, InstanceTypes types, ActiveRequests.Limits limits,
                       boolean liveInstanceTypes) {
        this.callPolicy = callPolicy;
        this.requests = new QuotaRequests(callPolicy);
        this.types = types;
        this.limits = limits;
        this.liveInstanceTypes = liveInstanceTypes;
    }

    record Run(CapacityModel.Model model, SafetyLimit requestBudget, AwsClientFactory factory,
                       ActiveRequests active) {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Request AWS Service Quotas increases ahead of need (node pools and QuotaPolicy), never twice";
    }

    private Run run(ChoreContext ctx) {
        return runs.computeIfAbsent(ctx.limit(), l -> {
            AwsClientFactory factory = new AwsClientFactory(access(ctx), "kubechores-" + NAME, callPolicy);
            List<String> notes = new ArrayList<>();
            InstanceTypes t = liveInstanceTypes ? types.withLive(readInstanceTypes(ctx, factory, notes)) : types;
            CapacityModel.Model model = CapacityModel.build(ctx.state(), t);
            if (!notes.isEmpty()) {
                List<String> w = new ArrayList<>(notes);
                w.addAll(model.warnings());
                model = new CapacityModel.Model(model.needs(), w, model.maxRequestsPerRun());
            }
            return new Run(model, new SafetyLimit(model.maxRequestsPerRun()), factory, new ActiveRequests(limits));
        });
    }

    /**
     * EC2 DescribeInstanceTypes of every region whose node pools are derived, once per run, with the credentials of
     * the first account found there (vCPU counts do not differ between accounts). A region that cannot be read
     * (no ec2:DescribeInstanceTypes, no network) falls back to the repo's and the shipped table, with a warning.
     */
    private Map<String, Map<String, Integer>> readInstanceTypes(ChoreContext ctx, AwsClientFactory factory,
                                                              List<String> notes) {
        Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
        CapacityModel.regionsToRead(ctx.state()).forEach((region, account) -> {
            try (QuotasAws aws = QuotasAws.open(factory, callPolicy, account, region)) {
                out.put(region, aws.instanceTypes());
            } catch (RuntimeException e) {
                notes.add(region + ": EC2 DescribeInstanceTypes failed (" + QuotasAws.describe(e) + "): vCPUs from"
                        + " QuotaPolicy instanceTypes and the shipped table " + InstanceTypes.TYPES_RESOURCE);
            }
        });
        return out;
    }

    /**
     * The Platform's AWS access, completed from fleet.yaml (endpoint, roleArnPattern, externalIds,
     * sessionDurationSeconds) where it leaves them unset.
     */
    static AwsAccess access(ChoreContext ctx) {
        AwsAccess a = ctx.platform() == null ? null : ctx.platform().aws();
        FleetSpec.Aws f = ctx.state().fleetSpec().aws();
        String endpoint = a != null && a.endpointOverride() != null ? a.endpointOverride() : f.endpoint();
        String pattern = a != null && a.roleArnPattern() != null ? a.roleArnPattern() : f.roleArnPattern();
        Map<String, String> externalIds = a != null && !a.externalIds().isEmpty() ? a.externalIds() : f.externalIds();
        java.time.Duration session = a != null && a.sessionDuration() != null ? a.sessionDuration()
                : f.sessionDurationSeconds() == null ? null : java.time.Duration.ofSeconds(f.sessionDurationSeconds());
        return new AwsAccess(endpoint, a == null ? null : a.baseCredentials(), pattern, a != null && a.readOnly(),
                externalIds, session);
    }

    @Override
    public List<String> partitions(ChoreContext ctx) {
        return run(ctx).model().partitions();
    }

    /** What one account/region hands to the roll-up: its report rows and what must reach a human. */
    public record Partition(List<QuotaRow> rows, List<Escalation> escalations) {}

    /**
     * One account/region's plan: the decisions and, for each increase to file, what the run's admission said (PLANNED
     * = within AWS's active-request limits and the run's budgets; else deferred/limited). Holds the region's clients
     * for the apply step (closed by the runner).
     */
    public record Plan(String partition, Run run, QuotasAws aws, java.time.Clock clock, List<QuotaDecision> decisions,
                       Map<QuotaDecision, Action> admitted, List<String> warnings)
            implements PartitionPlan<Partition>, AutoCloseable {
        @Override
        public PartitionResult<Partition> planned() {
            return result(this, admitted);
        }

        @Override
        public void close() {
            aws.close();
        }
    }

    @Override
    public Plan plan(ChoreContext ctx, String partition) {
        Run run = run(ctx);
        String[] ar = partition.split("/", 2);
        List<QuotaNeed> needs = run.model().needsOf(partition);
        List<String> warnings = new ArrayList<>();
        QuotasAws aws = QuotasAws.open(run.factory(), callPolicy, ar[0], ar[1]);
        try {
            Map<QuotaKey, QuotasAws.Quota> quotas = new LinkedHashMap<>();
            Map<QuotaKey, List<QuotasAws.ChangeRequest>> histories = new HashMap<>();
            Set<String> caseRefs = new LinkedHashSet<>();
            for (QuotaNeed n : needs) {
                QuotaKey k = n.key();
                QuotasAws.Quota q = aws.quota(k.serviceCode(), k.quotaCode());
                quotas.put(k, q);
                List<QuotasAws.ChangeRequest> h = q == null || q.blocked() != null ? List.of()
                        : aws.history(k.serviceCode(), k.quotaCode());
                histories.put(k, h);
                // the case of an open request (follow-up) and of the newest request when it is CASE_CLOSED (outcome)
                h.stream().filter(r -> "CASE_OPENED".equals(r.status())).forEach(r -> addCase(caseRefs, r));
                if (!h.isEmpty() && "CASE_CLOSED".equals(h.getFirst().status())) addCase(caseRefs, h.getFirst());
            }
            QuotasAws.CaseLookup cases = aws.describeCases(caseRefs);
            if (cases.unavailable() != null) warnings.add(partition + ": " + cases.unavailable());
            Map<String, ObservedQuota.CaseStatus> caseStatus = new HashMap<>();
            cases.cases().forEach((ref, c) -> caseStatus.put(ref, new ObservedQuota.CaseStatus(c.caseId(),
                    c.displayId(), c.status(), c.latestCommunication(), c.latestCommunicationAt())));

            Map<QuotaKey, ObservedQuota> observed = new HashMap<>();
            quotas.forEach((k, q) -> {
                if (q != null) observed.put(k, observation(q, histories.get(k), caseStatus, cases.unavailable()));
            });
            List<QuotaDecision> decisions = QuotaPlanner.plan(needs, observed, ctx.clock());
            // the most urgent first (largest share of the wanted value missing): the active-request limits
            // (2 per Region, 20 per account) and the run's budgets defer the rest to a later run
            Map<QuotaDecision, Action> admitted = new HashMap<>();
            decisions.stream().filter(d -> d.verdict().files())
                    .sorted(java.util.Comparator.comparingDouble(QuotaDecision::urgency).reversed()
                            .thenComparing(d -> d.key().target()))
                    .forEach(d -> admitted.put(d, requests.admit(ctx, run, aws, d)));
            return new Plan(partition, run, aws, ctx.clock(), decisions, admitted, warnings);
        } catch (RuntimeException e) {
            aws.close();
            throw e;
        }
    }

    /** Files the admitted increases (real runs only). */
    @Override
    public PartitionResult<Partition> apply(ChoreContext ctx, Plan plan) {
        Map<QuotaDecision, Action> done = new HashMap<>(plan.admitted());
        plan.decisions().stream().filter(done::containsKey)
                .sorted(java.util.Comparator.comparingDouble(QuotaDecision::urgency).reversed()
                        .thenComparing(d -> d.key().target()))
                .forEach(d -> {
                    Action admitted = done.get(d);
                    if (admitted.status() == Action.Status.PLANNED) done.put(d, requests.send(ctx, plan.run(), plan.aws(), d, admitted));
                });
        return result(plan, done);
    }

    /** Report rows, warnings and escalations of one account/region from each decision's action. */
    private static PartitionResult<Partition> result(Plan plan, Map<QuotaDecision, Action> outcomes) {
        String[] ar = plan.partition().split("/", 2);
        List<String> warnings = new ArrayList<>(plan.warnings());
        List<QuotaRow> rows = new ArrayList<>();
        List<Action> actions = new ArrayList<>();
        List<Escalation> escalations = new ArrayList<>();
        java.time.Clock clock = plan.clock();
        for (QuotaDecision d : plan.decisions()) {
            Action a = outcomes.getOrDefault(d, d.action());
            log.info("job={} account={} region={} quota={} action={} status={} detail={}", NAME, ar[0], ar[1],
                    d.key().serviceCode() + "/" + d.key().quotaCode(), a.verb(), a.status(), a.detail());
            actions.add(a);
            rows.add(QuotaRow.of(d, a));
            if (d.needsHuman()) warnings.add(d.key().target() + ": " + d.reason());
            else if (a.verb().equals("ask-human")) warnings.add(d.key().target() + ": " + a.detail());
            if (a.status() == Action.Status.FAILED) warnings.add(d.key().target() + ": " + a.detail());
            String[] e = a.verb().equals("ask-human") && !d.needsHuman()
                    ? new String[]{"AWS_BLOCKED", a.detail()} : d.escalation(clock);
            if (e != null) escalations.add(new Escalation(d.key().target(), e[0], e[1]));
        }
        plan.run().active().unreadable(ar[0]).forEach((region, why) -> {
            String w = ar[0] + "/" + region + ": active increase requests could not be counted (" + why + ")";
            if (!warnings.contains(w)) warnings.add(w);
        });
        return PartitionResult.ok(plan.partition(), actions, warnings, new Partition(rows, escalations));
    }

    /** A row a human must hear about: its target, the dedupe value (changes re-alert), the text. */
    record Escalation(String target, String value, String text) {}

    private static void addCase(Set<String> refs, QuotasAws.ChangeRequest r) {
        if (r.caseId() != null && !r.caseId().isBlank()) refs.add(r.caseId());
    }

    private static ObservedQuota observation(QuotasAws.Quota q, List<QuotasAws.ChangeRequest> history,
                                             Map<String, ObservedQuota.CaseStatus> cases, String casesUnavailable) {
        if (q.blocked() != null) return ObservedQuota.blocked(q.blocked());
        List<ObservedQuota.QuotaRequest> h = history.stream().map(r -> new ObservedQuota.QuotaRequest(r.id(),
                r.caseId(), r.desiredValue(), r.status(), r.created(), r.lastUpdated())).toList();
        return new ObservedQuota(q.name(), q.value(), q.adjustable(), q.awsDefault(), h, cases, casesUnavailable);
    }

    @Override
    public QuotasEscalation rollUp(ChoreContext ctx, List<PartitionResult<Partition>> results) {
        return QuotasEscalation.of(ctx, results);
    }

    @Override
    public QuotasEscalation applyRollUp(ChoreContext ctx, QuotasEscalation escalation) {
        return escalation.apply(ctx);
    }

    @Override
    public ChoreReport report(ChoreContext ctx, List<PartitionResult<Partition>> results, QuotasEscalation rollUp) {
        Run run = runs.remove(ctx.limit());
        CapacityModel.Model model = run != null ? run.model() : CapacityModel.build(ctx.state(), types);
        List<QuotaRow> rows = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (PartitionResult<Partition> r : results) {
            if (r.isFailed()) {
                rows.add(QuotaRow.failed(r.partition(), r.error()));
                failures.add(r.partition() + ": " + r.error());
                continue;
            }
            if (r.data() != null) rows.addAll(r.data().rows());
        }
        List<String> warnings = new ArrayList<>(model.warnings());
        results.forEach(r -> warnings.addAll(r.warnings()));
        Action escalation = rollUp.escalation();
        String counts = counts(ctx.dryRun(), rows, results, failures) + "; escalation: " + escalation.status() + " "
                + escalation.detail();

        Map<String, Object> m = new HashMap<>();
        m.put("title", "kubechores quotas " + (ctx.dryRun() ? "plan (dry run)" : "run") + " at " + ctx.clock().instant());
        m.put("summary", counts);
        m.put("rows", rows);
        m.put("warnings", warnings);
        m.put("failures", failures);
        m.put("dryRun", ctx.dryRun());
        m.put("revision", ctx.state().revision() == null ? "" : ctx.state().revision());
        m.put("w", widths(rows));
        m.put("headroom", QuotaHeadroom.of(rows));
        m.put("headroom", QuotaHeadroom.of(rows));
        String console = Reports.render("console/quotas-report.ftl", m);
        List<Path> artifacts = new ArrayList<>();
        if (ctx.outputDir() != null) {
            artifacts.add(Reports.write(ctx.outputDir(), "quotas-report.txt", console));
            artifacts.add(Reports.write(ctx.outputDir(), "quotas-report.md", Reports.render("markdown/quotas-report.ftl", m)));
            artifacts.add(Reports.write(ctx.outputDir(), "quotas-report.html", Reports.render("html/quotas-report.ftl", m)));
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("dryRun", ctx.dryRun());
            json.put("at", ctx.clock().instant());
            json.put("rows", rows);
            json.put("failures", failures);
            json.put("warnings", warnings);
            artifacts.add(Reports.write(ctx.outputDir(), "quotas-report.json", Reports.json(json)));
        }
        log.info("job={} {}", NAME, counts);
        return new ChoreReport(counts + "\n" + console, List.of(), warnings, artifacts, false);
    }

    private static String counts(boolean dryRun, List<QuotaRow> rows, List<? extends PartitionResult<?>> results,
                                 List<String> failures) {
        long filed = count(rows, "request-increase", dryRun ? "PLANNED" : "APPLIED");
        long capped = rows.stream().filter(r -> r.capped() && r.verb().equals("request-increase")
                && r.status().equals(dryRun ? "PLANNED" : "APPLIED")).count();
        long limited = rows.stream().filter(r -> r.status().equals("LIMITED") && !r.verb().equals("request-deferred"))
                .count();
        long deferred = rows.stream().filter(r -> r.verb().equals("request-deferred")).count();
        long waiting = rows.stream().filter(r -> r.verb().equals("await-request")
                || (r.verb().equals("request-increase") && r.status().equals("UNCHANGED"))).count();
        long human = rows.stream().filter(r -> r.verb().equals("ask-human")).count();
        long ok = rows.stream().filter(r -> r.verb().equals("none")).count();
        long failed = rows.stream().filter(r -> r.status().equals("FAILED") && !r.verb().equals("account-failed")).count();
        StringBuilder sb = new StringBuilder();
        sb.append(results.size()).append(" account/regions: ")
                .append(filed).append(dryRun ? " increase requests planned" : " increase requests filed");
        if (capped > 0) sb.append(" (").append(capped).append(" capped by maxIncreaseFactor)");
        sb.append(", ").append(waiting).append(" awaiting an earlier request, ")
                .append(human).append(" for a human, ").append(ok).append(" sufficient");
        if (deferred > 0) sb.append(", ").append(deferred).append(" deferred by AWS's active-request limits");
        if (limited > 0) sb.append(", ").append(limited).append(" held back by the per-run limit");
        if (failed > 0) sb.append(", ").append(failed).append(" requests failed");
        if (!failures.isEmpty()) sb.append("; ").append(failures.size()).append(" account/region(s) failed");
        return sb.toString();
    }

    private static long count(List<QuotaRow> rows, String verb, String status) {
        return rows.stream().filter(r -> r.verb().equals(verb) && r.status().equals(status)).count();
    }

    private static Map<String, Integer> widths(List<QuotaRow> rows) {
        Map<String, Integer> w = new HashMap<>();
        w.put("account", Math.max(7, rows.stream().mapToInt(r -> r.account().length()).max().orElse(0)));
        w.put("region", Math.max(6, rows.stream().mapToInt(r -> r.region().length()).max().orElse(0)));
        w.put("quota", Math.max(5, rows.stream().mapToInt(r -> r.quota().length()).max().orElse(0)));
        w.put("applied", Math.max(7, rows.stream().mapToInt(r -> r.applied().length()).max().orElse(0)));
        w.put("wanted", 6);
        w.put("open", Math.min(60, Math.max(12, rows.stream().mapToInt(r -> r.openRequest().length()).max().orElse(0))));
        return w;
    }
}
