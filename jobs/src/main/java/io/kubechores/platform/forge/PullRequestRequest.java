package io.kubechores.platform.forge;

import java.util.List;
import java.util.Map;

/**
 * What a bot PR should contain.
 *
 * @param job           job name (branch kubechores/&lt;job&gt;/&lt;topic&gt;)
 * @param topic         stable identifier of what the PR is about, e.g. "shop" or "loki-prod" ([a-z0-9-])
 * @param title         PR title
 * @param body          Markdown body (the service adds the hidden topic marker)
 * @param labels        labels to set
 * @param files         repo-relative path → full new content; committed on top of the base branch
 * @param commitMessage commit message
 * @param reopenClosed  open a new PR even if the last one for this topic was closed by a human
 */
public record PullRequestRequest(String job, String topic, String title, String body, List<String> labels,
                                 Map<String, String> files, String commitMessage, boolean reopenClosed) {
    public PullRequestRequest {
        labels = labels == null ? List.of() : List.copyOf(labels);
        files = Map.copyOf(files);
    }

    public String branch() {
        return "kubechores/" + job + "/" + topic;
    }
}
