package io.kubechores.desiredstate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The one way to turn a path the desired-state repo names (a file found under it, or a path a field names: a
 * rightsize manifest, a Tool's deploy file) into a file to read or write. The repo arrives by pull request, so it is
 * untrusted: a path is refused when it is absolute, climbs out with {@code ..}, passes through a symbolic link
 * (git commits links as links: {@code git config core.symlinks}), is a hard link to a file elsewhere, or when its
 * real path is not inside the checkout's real path. Messages name the path as written and the reason, never
 * anything read from the file.
 */
public final class SafePaths {
    private SafePaths() {}

    /** A path that must not be used, and why (e.g. "is a symbolic link"). */
    public static final class UnsafePathException extends IOException {
        private final String path;
        private final String reason;

        UnsafePathException(String path, String reason) {
            super(path + ": " + reason);
            this.path = path;
            this.reason = reason;
        }

        /** The path as the repo wrote it. */
        public String path() {
            return path;
        }

        /** Why it is refused, in words for the user. */
        public String reason() {
            return reason;
        }
    }

    /**
     * Resolves {@code relative} (a repo-relative path, '/'-separated) to an existing regular file inside {@code root}.
     *
     * @throws UnsafePathException when the path leaves the checkout, goes through a link, or is no regular file
     */
    public static Path file(Path root, String relative) throws UnsafePathException {
        Path p = resolve(root, relative);
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) throw new UnsafePathException(relative, "no such file in the repo");
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) throw new UnsafePathException(relative, "not a regular file");
        hardLinks(p, relative);
        return p;
    }

    /** Like {@link #file} but empty when the file does not exist (still refusing every unsafe path). */
    public static Optional<Path> existingFile(Path root, String relative) throws UnsafePathException {
        Path p = resolve(root, relative);
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) return Optional.empty();
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) throw new UnsafePathException(relative, "not a regular file");
        hardLinks(p, relative);
        return Optional.of(p);
    }

    /**
     * Resolves {@code relative} inside {@code root} without requiring it to exist (a file to be written): every
     * existing part of it must be a plain folder or file inside the checkout.
     */
    public static Path resolve(Path root, String relative) throws UnsafePathException {
        if (relative == null || relative.isBlank()) throw new UnsafePathException(String.valueOf(relative), "empty path");
        if (relative.indexOf('\0') >= 0) throw new UnsafePathException(relative.replace('\0', '?'), "holds a NUL character");
        Path rel;
        try {
            rel = Path.of(relative.replace('\\', '/'));
        } catch (InvalidPathException e) {
            throw new UnsafePathException(relative, "not a valid path");
        }
        if (rel.isAbsolute() || relative.startsWith("/") || relative.startsWith("\\")) {
            throw new UnsafePathException(relative, "an absolute path; name a file relative to the repo root");
        }
        for (Path part : rel) {
            if (part.toString().equals("..")) {
                throw new UnsafePathException(relative, "climbs out with '..'; name a file relative to the repo root");
            }
        }
        Path realRoot = realRoot(root, relative);
        Path current = realRoot;
        for (Path part : rel.normalize()) {
            current = current.resolve(part.toString());
            if (Files.isSymbolicLink(current)) {
                String at = realRoot.relativize(current).toString().replace('\\', '/');
                throw new UnsafePathException(relative, (at.equals(relative) ? "is a symbolic link"
                        : "goes through the symbolic link " + at) + "; links are not followed in the desired-state repo");
            }
            if (!Files.exists(current, LinkOption.NOFOLLOW_LINKS)) break;
        }
        Path p = realRoot.resolve(rel.normalize().toString());
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            try {
                if (!p.toRealPath().startsWith(realRoot)) throw new UnsafePathException(relative, "leaves the checkout");
            } catch (UnsafePathException e) {
                throw e;
            } catch (IOException e) {
                throw new UnsafePathException(relative, "cannot be resolved");
            }
        }
        return p;
    }

    /**
     * Checks a file found by listing the repo (the listing itself does not follow links): refused when it is a link
     * or not a regular file. Returns its repo-relative name.
     */
    public static void checkListed(Path root, Path file) throws UnsafePathException {
        String rel = root.relativize(file).toString().replace('\\', '/');
        resolve(root, rel);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) throw new UnsafePathException(rel, "not a regular file");
        hardLinks(file, rel);
    }

    private static Path realRoot(Path root, String relative) throws UnsafePathException {
        try {
            return root.toRealPath();
        } catch (IOException e) {
            throw new UnsafePathException(relative, "the checkout folder " + root + " cannot be read");
        }
    }

    /**
     * A plain folder (no git) may hold a hard link to a file outside it; git never checks one out. A file with more
     * than one link is refused (on file systems that count links).
     */
    private static void hardLinks(Path p, String relative) throws UnsafePathException {
        try {
            Object n = Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
            if (n instanceof Integer links && links > 1) {
                throw new UnsafePathException(relative, "has " + links + " hard links; a desired-state file must be a plain file");
            }
        } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
            if (e instanceof UnsafePathException u) throw u;
            // no unix attribute view (e.g. Windows): nothing to check
        }
    }
}
