package io.kubechores.certs;

import java.time.Instant;

/**
 * A cert-manager Certificate's status as read from the cluster.
 *
 * @param cluster     cluster name
 * @param namespace   namespace
 * @param name        Certificate name
 * @param secretName  spec.secretName
 * @param notAfter    status.notAfter (null when never issued)
 * @param renewalTime status.renewalTime (null when unknown)
 * @param ready       Ready condition is True
 * @param readyReason Ready condition reason/message (why it is not ready), may be null
 */
public record CertManagerCert(String cluster, String namespace, String name, String secretName, Instant notAfter,
                              Instant renewalTime, boolean ready, String readyReason) {
}
