package io.kubechores.certs;

import java.util.Arrays;

/** Where a certificate was found. The ids are the ones CertificatePolicy overrides name. */
public enum CertSource {
    TLS_ENDPOINT("tls-endpoint"),
    TLS_SECRET("tls-secret"),
    PEM_SECRET("pem-secret"),
    /** PKCS#12 / JKS keystore in a Secret */
    KEYSTORE("keystore"),
    CONFIGMAP("configmap"),
    KUBECONFIG("kubeconfig"),
    WEBHOOK("webhook"),
    APISERVER("apiserver"),
    ETCD("etcd"),
    /** a Node's kubelet serving certificate, probed on :10250 */
    KUBELET("kubelet"),
    /** a keyset in a kops state store (S3): kubernetes-ca, etcd-manager/etcd-peers/etcd-clients CAs, ... */
    KOPS("kops"),
    CERT_MANAGER("cert-manager"),
    /** not a certificate: a source that could not be read (see {@link SourceError}) */
    SCAN("scan");

    private final String id;

    CertSource(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static CertSource ofId(String id) {
        return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown certificate source " + id));
    }

    @Override
    public String toString() {
        return id;
    }
}
