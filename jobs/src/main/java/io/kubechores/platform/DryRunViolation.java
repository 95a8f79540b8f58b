package io.kubechores.platform;

/**
 * Thrown by a read-only adapter ({@link Platform#readOnly()}) when code tries to mutate during a dry run. The runner
 * hands every plan such a platform, so a missing dry-run check in a chore fails that partition with this error
 * instead of changing a cluster, a repo, a forge, AWS, Jenkins or Slack.
 */
public final class DryRunViolation extends IllegalStateException {
    public DryRunViolation(String what) {
        super("dry run: refused to " + what + " (plans never mutate; this is a bug in the job, please report it)");
    }
}
