package io.kubechores.runner;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The one script the runner's pages carry: it shows the pages' UTC timestamps ({@code <time datetime>}) in the
 * viewer's time zone and names that zone. Without it (scripts off) the pages show UTC and say so. It is inlined and
 * allowed by its hash only ({@code script-src 'sha256-…'}, CSP Level 2 "hash-source"; MDN Content-Security-Policy
 * script-src), so no other inline or served script can run on a runner page or a report.
 */
public final class PageScripts {
    /** runner/local-time.js, exactly as inlined. */
    public static final String LOCAL_TIME = load("runner/local-time.js");
    /** The CSP source expression allowing exactly {@link #LOCAL_TIME}. */
    public static final String LOCAL_TIME_HASH = "'sha256-" + sha256(LOCAL_TIME) + "'";

    private PageScripts() {}

    private static String load(String resource) {
        try (InputStream in = PageScripts.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("missing " + resource);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(String s) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
