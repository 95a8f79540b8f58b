package io.kubechores.doctor;

import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.FleetSpec;
import io.kubechores.desiredstate.Resource;
import io.kubechores.desiredstate.SecretSource;
import io.kubechores.platform.aws.AwsAccess;
import io.kubechores.platform.aws.AwsClientFactory;
import io.kubechores.platform.aws.EksClusters;
import io.kubechores.platform.forge.ForgeAccessCheck;
import io.kubechores.platform.jenkins.JenkinsAccess;
import io.kubechores.platform.jenkins.JenkinsClient;
import io.kubechores.platform.kube.ClusterAccess;
import io.kubechores.platform.kube.ClusterAccess.AccessException;
import io.kubechores.platform.kube.ConnectionKubeClients.ConnectionException;
import io.kubechores.platform.kube.KubeClients;
import io.kubechores.runner.JobPermissions;
import io.kubechores.runner.JobPermissions.Permission;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * `kubechores doctor`: for every cluster, account and integration of the fleet, can the jobs do their work? Each
 * check is a read or a review the server answers without storing anything (GET /version, SelfSubjectReview,
 * SelfSubjectAccessReview, EKS DescribeCluster, STS AssumeRole/GetCallerIdentity, forge GET of the repository,
 * Jenkins crumb GET); Slack is only checked for its webhook being set, never posted to. Plain code: no Spring Batch,
 * no job repository, no audit log: dry by construction.
 */
public final class Doctor {
    /** Jobs that talk to the clusters' API servers. */
    static final Set<String> CLUSTER_JOBS = Set.of("downscale", "rightsize", "certs", "promote");

    public enum Status { OK, FAIL, SKIP }

    /** One line of the table; neededBy = the jobs that cannot do their work while this fails. */
    public record Row(String subject, String check, Status status, String detail, String fix, Set<String> neededBy) {}

    private final DesiredState state;
    private final SecretSource secrets;
    private final KubeClients kube;
    private final AwsAccess aws;
    private final EksClusters eks;
    private final HttpClient http;

    public Doctor(DesiredState state, SecretSource secrets, KubeClients kube, AwsAccess aws, EksClusters eks, HttpClient http) {
        this.state = state;
        this.secrets = secrets;
        this.kube = kube;
        this.aws = aws;
        this.eks = eks;
        this.http = http;
    }

    public List<Row> run() {
        List<Row> rows = new ArrayList<>();
        Map<String, List<Permission>> perms = JobPermissions.byJob();
        for (Resource<ClusterSpec> c : state.clusters()) rows.addAll(cluster(c, perms));
        rows.addAll(accounts());
        rows.addAll(integrations());
        return rows;
    }

    /** Exit 2 when something a scheduled job needs is missing, else 0. */
    public static int exitCode(List<Row> rows, Set<String> scheduledJobs) {
        for (Row r : rows) {
            if (r.status() == Status.FAIL && r.neededBy().stream().anyMatch(scheduledJobs::contains)) return 2;
        }
        return 0;
    }

    List<Row> cluster(Resource<ClusterSpec> c, Map<String, List<Permission>> perms) {
        String subject = "cluster " + c.name();
        List<Row> rows = new ArrayList<>();
        Set<String> all = new TreeSet<>(CLUSTER_JOBS);
        ClusterAccess client;
        try {
            client = ClusterAccess.open(kube, c);
        } catch (ConnectionException e) {
            rows.add(new Row(subject, "connection (" + c.spec().connection().kind() + ")", Status.FAIL, e.getMessage(),
                    "fix the field named, in " + c.location().file(), all));
            return rows;
        } catch (RuntimeException e) {
            rows.add(new Row(subject, "connection", Status.FAIL, describe(e), "check the cluster's connection", all));
            return rows;
        }
        try {
            String version = client.version();
            rows.add(new Row(subject, "reachable", Status.OK, client.url() + " (" + version + ")", null, all));
        } catch (AccessException e) {
            if (e.code() > 0) {
                rows.add(new Row(subject, "reachable", Status.OK, client.url() + " (answered " + e.code() + ")", null, all));
            } else {
                rows.add(new Row(subject, "reachable", Status.FAIL, client.url() + ": " + e.getMessage(),
                        "let the runner reach the API endpoint (private EKS endpoint: VPC peering / Transit Gateway and "
                                + "the cluster security group allowing 443 from the runner's nodes)", all));
                return rows;
            }
        }
        try {
            String who = client.whoami();
            if (who == null && c.spec().connection().eks() != null && eks != null) {
                ClusterSpec.Eks e = c.spec().connection().eks();
                who = eks.callerIdentity(e.region(), e.roleArn()).arn() + " (the token's identity)";
            }
            rows.add(new Row(subject, "authenticated", Status.OK, who == null ? "yes (SelfSubjectReview not served)" : "as " + who, null, all));
        } catch (AccessException e) {
            if (e.code() == 401) {
                rows.add(new Row(subject, "authenticated", Status.FAIL, "the API server rejected the credentials (401 Unauthorized)",
                        c.spec().connection().eks() != null
                                ? "map the identity on the cluster: an EKS access entry for the runner's role (aws eks "
                                + "create-access-entry --cluster-name " + c.spec().connection().eks().name()
                                + " --principal-arn <role> --kubernetes-groups kubechores:central) or an aws-auth mapRoles entry"
                                : "renew the token / kubeconfig credentials of this connection", all));
                return rows;
            }
            rows.add(new Row(subject, "authenticated", Status.FAIL, e.getMessage(), "check the credentials of this connection", all));
            return rows;
        } catch (RuntimeException e) {
            rows.add(new Row(subject, "authenticated", Status.FAIL, describe(e), "check the credentials of this connection", all));
            return rows;
        }
        for (var e : perms.entrySet()) {
            if (e.getValue().isEmpty()) continue;
            List<String> missing = new ArrayList<>();
            try {
                for (Permission p : e.getValue()) {
                    if (!client.allowed(p.verb(), p.group(), p.resource(), p.subresource())) missing.add(p.toString());
                }
            } catch (RuntimeException ex) {
                rows.add(new Row(subject, e.getKey() + " permissions", Status.FAIL, "SelfSubjectAccessReview failed: " + describe(ex),
                        "check the API server answers authorization.k8s.io/v1", Set.of(e.getKey())));
                continue;
            }
            rows.add(missing.isEmpty()
                    ? new Row(subject, e.getKey() + " permissions", Status.OK, e.getValue().size() + " verb(s) allowed", null, Set.of(e.getKey()))
                    : new Row(subject, e.getKey() + " permissions", Status.FAIL, "denied: " + String.join(", ", missing),
                    "apply k8s/target to the cluster (ClusterRole kubechores-" + e.getKey()
                            + " bound to group kubechores:central) and map the runner's identity to that group",
                    Set.of(e.getKey())));
        }
        return rows;
    }

    List<Row> accounts() {
        List<Row> rows = new ArrayList<>();
        FleetSpec.Aws a = state.fleetSpec().aws();
        if (a.roleArnPattern() == null || a.roleArnPattern().isBlank()) return rows;
        Map<String, String> regionByAccount = new java.util.TreeMap<>();
        for (Resource<ClusterSpec> c : state.clusters()) {
            if (c.spec().aws() != null) regionByAccount.putIfAbsent(c.spec().aws().accountId(), c.spec().aws().region());
        }
        AwsClientFactory factory = new AwsClientFactory(aws, "kubechores-doctor");
        for (var e : regionByAccount.entrySet()) {
            String role = factory.roleArn(e.getKey());
            try (var clients = factory.forAccount(e.getKey(), e.getValue())) {
                clients.resolveCredentials();
                rows.add(new Row("account " + e.getKey(), "AssumeRole", Status.OK, role, null, Set.of("quotas")));
            } catch (RuntimeException ex) {
                rows.add(new Row("account " + e.getKey(), "AssumeRole", Status.FAIL, role + ": " + describe(ex),
                        "let the runner's identity assume " + role + " (the role's trust policy must name the runner's "
                                + "IRSA / Pod Identity role, which needs sts:AssumeRole on it)", Set.of("quotas")));
            }
        }
        return rows;
    }

    List<Row> integrations() {
        List<Row> rows = new ArrayList<>();
        FleetSpec fleet = state.fleetSpec();
        ForgeAccessCheck.Result f = ForgeAccessCheck.check(fleet.forge(), secrets, http);
        rows.add(new Row("forge " + (fleet.forge().type() == null ? "local" : fleet.forge().type()), "token can push and open PRs",
                f.ok() ? Status.OK : Status.FAIL, f.detail(), f.fix(), Set.of("rightsize", "promote")));
        FleetSpec.Jenkins j = fleet.jenkins();
        if (j == null || j.url() == null) {
            rows.add(new Row("jenkins", "crumb", Status.SKIP, "no jenkins in fleet.yaml", null, Set.of()));
        } else {
            try {
                String msg = new JenkinsClient(new JenkinsAccess(j.url(), secrets.get(j.userEnv()).orElse(null),
                        secrets.get(j.tokenEnv()).orElse(null)), JenkinsClient.Limits.DEFAULT).checkCrumb();
                rows.add(new Row("jenkins", "crumb", Status.OK, j.url() + ": " + msg, null, Set.of("promote")));
            } catch (RuntimeException e) {
                rows.add(new Row("jenkins", "crumb", Status.FAIL, j.url() + ": " + describe(e),
                        "check " + j.userEnv() + " / " + j.tokenEnv() + " (an API token of a user with Overall/Read and Job/Build)",
                        Set.of("promote")));
            }
        }
        var n = fleet.notifications();
        if (n.slackWebhookEnv() == null) {
            rows.add(new Row("slack", "webhook set", Status.SKIP, "no slackWebhookEnv in fleet.yaml: certs findings go to reports only", null, Set.of()));
        } else if (secrets.get(n.slackWebhookEnv()).isPresent()) {
            rows.add(new Row("slack", "webhook set", Status.OK, n.slackWebhookEnv() + " is set (not posted to)", null, Set.of("certs")));
        } else {
            rows.add(new Row("slack", "webhook set", Status.FAIL, "environment variable " + n.slackWebhookEnv() + " is not set",
                    "put the Slack incoming-webhook URL in " + n.slackWebhookEnv() + " (Secret kubechores-credentials)",
                    Set.of("certs")));
        }
        return rows;
    }

    /** The table: ✓/✗ per check, and the fix under each ✗. */
    public static String render(List<Row> rows, Set<String> scheduledJobs) {
        int s = "SUBJECT".length(), c = "CHECK".length();
        for (Row r : rows) {
            s = Math.max(s, r.subject().length());
            c = Math.max(c, r.check().length());
        }
        StringBuilder b = new StringBuilder();
        String fmt = "%-" + s + "s  %-" + c + "s  %s  %s%n";
        b.append(String.format(fmt, "SUBJECT", "CHECK", " ", "DETAIL"));
        int failed = 0, blocking = 0;
        for (Row r : rows) {
            String mark = switch (r.status()) {
                case OK -> "✓";
                case FAIL -> "✗";
                case SKIP -> "-";
            };
            b.append(String.format(fmt, r.subject(), r.check(), mark, r.detail()));
            if (r.status() == Status.FAIL) {
                failed++;
                Set<String> needs = new LinkedHashSet<>(r.neededBy());
                needs.retainAll(scheduledJobs);
                if (!needs.isEmpty()) blocking++;
                b.append(String.format("%-" + (s + c + 7) + "s  fix: %s%s%n", "", r.fix() == null ? "-" : r.fix(),
                        needs.isEmpty() ? "" : " [needed by scheduled " + String.join(", ", new TreeSet<>(needs)) + "]"));
            }
        }
        b.append(failed == 0 ? "all checks passed" : failed + " check(s) failed, " + blocking + " needed by a scheduled job")
                .append('\n');
        return b.toString();
    }

    private static String describe(Throwable e) {
        Throwable t = e;
        while (t.getMessage() == null && t.getCause() != null && t.getCause() != t) t = t.getCause();
        String m = t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
        return m.length() > 300 ? m.substring(0, 300) + "…" : m;
    }
}
