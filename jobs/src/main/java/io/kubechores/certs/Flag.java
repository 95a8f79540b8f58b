package io.kubechores.certs;

/**
 * Something wrong with a certificate besides its expiry date.
 *
 * @param code     what
 * @param severity how bad it is on its own
 * @param detail   human explanation
 */
public record Flag(Code code, Severity severity, String detail) {
    public enum Code {
        /** notBefore is in the future */
        NOT_YET_VALID,
        /** a CA and certificates it issued expire within the same week: they will all break together */
        CA_AND_LEAVES_SAME_WEEK,
        /** an endpoint presents an expired/expiring certificate its built path does not use (AddTrust case) */
        UNUSED_CERT_EXPIRING,
        /** the presented chain does not verify */
        CHAIN_NOT_VERIFYING,
        /** the endpoint's certificate does not name the host it was reached by */
        HOSTNAME_MISMATCH,
        /** RSA key shorter than 2048 bits */
        WEAK_RSA_KEY,
        /** SHA-1 signature */
        SHA1_SIGNATURE,
        /** cert-manager Certificate is not Ready */
        CERT_MANAGER_NOT_READY,
        /** cert-manager's renewal time has passed and the Certificate is still not Ready */
        RENEWAL_OVERDUE
    }
}
