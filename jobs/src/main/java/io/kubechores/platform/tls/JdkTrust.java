package io.kubechores.platform.tls;

import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;

/** The JDK's default trust anchors (cacerts), to verify public endpoints' chains. */
public final class JdkTrust {
    private static volatile List<X509Certificate> anchors;

    private JdkTrust() {}

    public static List<X509Certificate> anchors() {
        if (anchors == null) {
            try {
                TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                f.init((KeyStore) null);
                for (var tm : f.getTrustManagers()) {
                    if (tm instanceof X509TrustManager x) {
                        anchors = List.of(x.getAcceptedIssuers());
                        break;
                    }
                }
            } catch (Exception e) {
                anchors = List.of();
            }
            if (anchors == null) anchors = List.of();
        }
        return anchors;
    }
}
