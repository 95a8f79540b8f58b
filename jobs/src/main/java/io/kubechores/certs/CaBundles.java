package io.kubechores.certs;

import io.kubechores.desiredstate.CertificatePolicySpec;
import io.kubechores.platform.kube.CertsKube;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Private CA bundles named by a CertificatePolicy: a PEM file in the desired-state repo, or a key of a Secret or
 * ConfigMap. The repo is untrusted input: the file must resolve inside the checkout (symlinks followed and checked),
 * be a regular file of at most {@link #MAX_BYTES}, and its content is never echoed in a message.
 */
public final class CaBundles {
    public static final long MAX_BYTES = 1024 * 1024;

    private CaBundles() {}

    /** Thrown with a message naming the bundle, never its content. */
    public static final class BundleException extends RuntimeException {
        public BundleException(String message) {
            super(message);
        }
    }

    /** The certificates of a repo file; throws {@link BundleException} when it is outside, too big or not PEM. */
    public static List<X509Certificate> fromFile(Path root, String relative) {
        if (relative == null || relative.isBlank()) throw new BundleException("caBundle.file is empty");
        Path rel = Path.of(relative);
        if (rel.isAbsolute()) throw new BundleException("caBundle.file " + relative + " must be relative to the repo root");
        try {
            Path realRoot = root.toRealPath();
            Path file = realRoot.resolve(rel).normalize();
            if (!file.startsWith(realRoot)) throw new BundleException("caBundle.file " + relative + " is outside the repo");
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new BundleException("caBundle.file " + relative + " does not exist");
            }
            Path real = file.toRealPath();
            if (!real.startsWith(realRoot)) {
                throw new BundleException("caBundle.file " + relative + " is a link to outside the repo");
            }
            if (!Files.isRegularFile(real)) throw new BundleException("caBundle.file " + relative + " is not a file");
            if (Files.size(real) > MAX_BYTES) {
                throw new BundleException("caBundle.file " + relative + " is larger than " + MAX_BYTES / 1024 + " KiB");
            }
            return parse(Files.readString(real, StandardCharsets.UTF_8), "caBundle.file " + relative);
        } catch (IOException e) {
            throw new BundleException("caBundle.file " + relative + " cannot be read (" + e.getClass().getSimpleName()
                    + ")");
        }
    }

    /** The certificates at a Secret or ConfigMap key of the cluster the client talks to. */
    public static List<X509Certificate> fromCluster(CertsKube kube, CertificatePolicySpec.CaBundle b) {
        boolean secret = b.secret() != null;
        CertificatePolicySpec.ObjectKey k = secret ? b.secret() : b.configMap();
        String what = (secret ? "Secret " : "ConfigMap ") + k.namespace() + "/" + k.name() + " key " + k.key();
        String text = secret ? kube.secretValue(k.namespace(), k.name(), k.key())
                : kube.configMapValue(k.namespace(), k.name(), k.key());
        if (text == null) throw new BundleException("caBundle " + what + " not found");
        return parse(text, "caBundle " + what);
    }

    private static List<X509Certificate> parse(String text, String what) {
        List<String> broken = new ArrayList<>();
        List<X509Certificate> out = X509Facts.parsePem(text, broken);
        if (out.isEmpty()) {
            throw new BundleException(what + " holds no PEM certificate" + (broken.isEmpty() ? "" : " that parses"));
        }
        return out;
    }
}
