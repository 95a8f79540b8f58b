package io.kubechores.platform.notify;

import java.util.List;
import java.util.Map;

/**
 * A Slack message in Block Kit: {@code blocks} (JSON objects as maps: header / section / context / divider) and the
 * top-level plain {@code text}, which Slack shows in notifications and wherever blocks cannot be shown (Slack
 * "chat.postMessage": text is the fallback when blocks are used; incoming webhooks take the same payload).
 */
public record SlackMessage(String text, List<Map<String, Object>> blocks) {
    public SlackMessage {
        blocks = blocks == null ? List.of() : List.copyOf(blocks);
    }
}
