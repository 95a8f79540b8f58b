package io.kubechores.desiredstate;

/** Where something was written in the desired-state repo: a path relative to the repo root, 1-based line and column. */
public record Location(String file, int line, int column) {
    public static final Location UNKNOWN = new Location("<unknown>", 0, 0);

    @Override
    public String toString() {
        return line > 0 ? file + ":" + line + ":" + column : file;
    }
}
