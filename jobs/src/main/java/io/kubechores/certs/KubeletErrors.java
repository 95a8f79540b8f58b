package io.kubechores.certs;

import java.util.List;

/**
 * Kubelet probe failures, as alerts: a few unanswered kubelets are one read error each (a node is down or
 * firewalled), but when most nodes fail the job cannot reach the nodes' network at all (a security group, the runner
 * outside the VPC), and 150 "cannot read kubelet" alerts would bury everything else: that is one read error for the
 * cluster's kubelets, naming how many failed and the first failure. Pure.
 */
final class KubeletErrors {
    /** More failures than this, and more than half of the nodes, are summarized. */
    static final int PER_NODE_LIMIT = 3;

    private KubeletErrors() {}

    record Summary(List<String> problems, List<SourceError> errors) {}

    static Summary summarize(String cluster, int nodes, List<String> problems, List<SourceError> errors) {
        if (errors.size() <= PER_NODE_LIMIT || errors.size() * 2 <= nodes) return new Summary(problems, errors);
        SourceError first = errors.getFirst();
        String message = errors.size() + " of " + nodes + " kubelets did not answer (is the nodes' network reachable"
                + " from the job?); first: " + first.target() + ": " + first.message();
        return new Summary(List.of(cluster + " kubelets: " + message),
                List.of(new SourceError(cluster, CertSource.KUBELET.id(), "", message)));
    }
}
