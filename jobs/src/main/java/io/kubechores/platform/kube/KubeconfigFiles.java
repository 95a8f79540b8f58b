package io.kubechores.platform.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Files a Cluster names (connection.kubeconfigPath, connection.caFile) come from the untrusted desired-state repo,
 * so they are read only from where the operator keeps cluster credentials: the files listed in $KUBECONFIG, the
 * folder ~/.kube, and the folders in $KUBECHORES_SECRETS_DIR (a mounted Secret, e.g. /var/run/kubechores/secrets;
 * several separated by the path separator). The real path (links resolved) must be inside one of them. A file that
 * is outside, unreadable, too large or not what it should be gives "not a kubeconfig: PATH" (or "not a CA bundle:
 * PATH") and nothing of its content: the message reaches plans, job history and reports, which are not secret.
 */
public final class KubeconfigFiles {
    /** Environment variable naming extra folders kubeconfigs and CA bundles may be read from. */
    public static final String SECRETS_DIR_ENV = "KUBECHORES_SECRETS_DIR";
    /** A kubeconfig of a few clusters is a few KB; anything past this is not one. */
    static final long MAX_BYTES = 1L << 20;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final List<Path> allowedFiles = new ArrayList<>();
    private final List<Path> allowedFolders = new ArrayList<>();

    /** From this process's environment and user.home. */
    public static KubeconfigFiles fromEnvironment() {
        return new KubeconfigFiles(System.getenv(), System.getProperty("user.home"));
    }

    public KubeconfigFiles(Map<String, String> env, String home) {
        String kubeconfig = env.get("KUBECONFIG");
        if (kubeconfig != null) {
            for (String f : kubeconfig.split(File.pathSeparator)) if (!f.isBlank()) real(Path.of(f), allowedFiles);
        }
        if (home != null && !home.isBlank()) real(Path.of(home, ".kube"), allowedFolders);
        String secrets = env.get(SECRETS_DIR_ENV);
        if (secrets != null) {
            for (String d : secrets.split(File.pathSeparator)) if (!d.isBlank()) real(Path.of(d), allowedFolders);
        }
    }

    private static void real(Path p, List<Path> into) {
        try {
            into.add(p.toAbsolutePath().toRealPath());
        } catch (IOException | RuntimeException e) {
            // not there (yet): nothing can be read from it
        }
    }

    /** The kubeconfig's text after checking where it is and that it parses as a kubeconfig. */
    public String kubeconfig(String configured) {
        String what = "not a kubeconfig: " + configured;
        String text = read(configured, what);
        try {
            JsonNode root = YAML.readTree(text);
            boolean looksLikeOne = root != null && root.isObject()
                    && (root.path("kind").asText("").equals("Config") || root.has("clusters") || root.has("contexts"));
            if (!looksLikeOne) throw new KubeconfigException(what);
        } catch (IOException | RuntimeException e) {
            if (e instanceof KubeconfigException k) throw k;
            throw new KubeconfigException(what); // the parser's message may quote the file: never passed on
        }
        return text;
    }

    /** The CA bundle's path after checking where it is and that it holds a PEM certificate. */
    public Path caBundle(String configured) {
        String what = "not a CA bundle: " + configured;
        String text = read(configured, what);
        if (!text.contains("-----BEGIN CERTIFICATE-----")) throw new KubeconfigException(what);
        return Path.of(configured).toAbsolutePath();
    }

    /** True when the file's real path is one of the allowed places. */
    public boolean allowed(Path file) {
        try {
            Path real = file.toAbsolutePath().toRealPath();
            return allowedFiles.contains(real) || allowedFolders.stream().anyMatch(real::startsWith);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private String read(String configured, String what) {
        if (configured == null || configured.isBlank() || configured.indexOf('\0') >= 0) throw new KubeconfigException(what);
        Path p;
        try {
            p = Path.of(configured);
        } catch (RuntimeException e) {
            throw new KubeconfigException(what);
        }
        if (!allowed(p)) {
            throw new KubeconfigException(what + " (only files in $KUBECONFIG, ~/.kube or $" + SECRETS_DIR_ENV
                    + " are read)");
        }
        try (InputStream in = Files.newInputStream(p)) {
            byte[] bytes = in.readNBytes((int) MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) throw new KubeconfigException(what);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new KubeconfigException(what);
        }
    }

    /** A refused or unusable credentials file; the message names the path only. */
    public static final class KubeconfigException extends IllegalStateException {
        KubeconfigException(String message) {
            super(message);
        }
    }
}
