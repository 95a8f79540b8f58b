package io.kubechores.platform.notify;

/** Outbound notifications: Slack incoming webhook and Prometheus Pushgateway. */
public interface Notifier {
    /** Posts a message to the Fleet's Slack channel; no-op when no webhook is configured. */
    void slack(String markdownText);

    /**
     * Posts a Block Kit message with its plain-text fallback. Notifiers that cannot send blocks send the fallback
     * (so a read-only notifier refuses this exactly as it refuses {@link #slack(String)}).
     */
    default void slack(SlackMessage message) {
        slack(message.text());
    }

    /**
     * Pushes metrics in Prometheus text exposition format to the Pushgateway under job=&lt;job&gt;
     * (replacing that group); no-op when no Pushgateway is configured.
     */
    void pushMetrics(String job, String exposition);

    Notifier NONE = new Notifier() {
        @Override
        public void slack(String markdownText) { }

        @Override
        public void pushMetrics(String job, String exposition) { }
    };
}
