package io.kubechores.platform.notify;

/** Outbound notifications: Slack incoming webhook and Prometheus Pushgateway. */
public interface Notifier {
    /** Posts a message to the Fleet's Slack channel; no-op when no webhook is configured. */
    void slack(String markdownText);

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
