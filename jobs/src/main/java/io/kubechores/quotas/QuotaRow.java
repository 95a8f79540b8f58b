package io.kubechores.quotas;

import io.kubechores.core.Action;

/**
 * One line of the quotas report: account, region, quota, applied, wanted, in use (the quota's usage metric), when it
 * runs out at the current growth, open request, action.
 * Public getters-as-record-components so Freemarker templates and JSON read them alike.
 */
public record QuotaRow(String account, String region, String serviceCode, String quotaCode, String quotaName,
                       String applied, long wanted, String request, boolean capped, String openRequest, String verb,
                       String status, String detail, String reason, String inUse, String exhaustion) {

    static QuotaRow of(QuotaDecision d, Action a) {
        return of(d, a, null);
    }

    /** @param usage the quota's usage metric read in this run, null when it has none (or CloudWatch was unreadable) */
    static QuotaRow of(QuotaDecision d, Action a, UsageForecast.Usage usage) {
        QuotaKey k = d.key();
        ObservedQuota o = d.observed();
        String name = o != null && o.name() != null ? o.name() : d.need().description();
        String applied = o == null || o.applied() == null ? "?"
                : QuotaPlanner.num(o.applied()) + (o.awsDefault() ? " (default)" : "");
        return new QuotaRow(k.accountId(), k.region(), k.serviceCode(), k.quotaCode(), name == null ? "" : name,
                applied, d.wanted(), d.request() == null ? "" : String.valueOf(d.request()), d.capped(),
                d.openRequest(), a.verb(), a.status().name(), a.detail(), a.reason(),
                usage == null ? "" : usage.inUseText(), usage == null ? "" : usage.exhaustionText());
    }

    /** The row of an account/region whose run failed (AccessDenied...). */
    static QuotaRow failed(String partition, String error) {
        String[] ar = partition.split("/", 2);
        return new QuotaRow(ar[0], ar.length > 1 ? ar[1] : "", "", "", "", "", 0, "", false, "", "account-failed",
                Action.Status.FAILED.name(), error, "this account/region failed; the others went on", "", "");
    }

    public String quota() {
        return serviceCode.isEmpty() ? "" : serviceCode + "/" + quotaCode;
    }

    /** "APPLIED request-increase 64 → 96". */
    public String action() {
        return status + " " + verb + (detail == null || detail.isEmpty() ? "" : " " + detail);
    }
}
