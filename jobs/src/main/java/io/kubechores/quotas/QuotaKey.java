package io.kubechores.quotas;

/** One quota in one account and region: the unit the job plans and requests. */
public record QuotaKey(String accountId, String region, String serviceCode, String quotaCode)
        implements Comparable<QuotaKey> {

    /** The partition this quota belongs to: account/region. */
    public String partition() {
        return partition(accountId, region);
    }

    public static String partition(String accountId, String region) {
        return accountId + "/" + region;
    }

    /** Action target: account/region/service/quota, e.g. 111111111111/eu-central-1/ec2/L-1216C47A. */
    public String target() {
        return accountId + "/" + region + "/" + serviceCode + "/" + quotaCode;
    }

    @Override
    public int compareTo(QuotaKey o) {
        return target().compareTo(o.target());
    }
}
