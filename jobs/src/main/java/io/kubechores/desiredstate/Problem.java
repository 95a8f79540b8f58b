package io.kubechores.desiredstate;

/**
 * One error in the desired-state repo.
 *
 * @param location file, line and column
 * @param field    JSON-pointer-like field path, e.g. spec.nodePools[0].maxSize
 * @param message  what is wrong, in words a user can act on
 */
public record Problem(Location location, String field, String message) implements Comparable<Problem> {
    @Override
    public String toString() {
        return location + ": " + (field == null || field.isEmpty() ? "" : field + ": ") + message;
    }

    @Override
    public int compareTo(Problem o) {
        int c = location.file().compareTo(o.location.file());
        if (c != 0) return c;
        c = Integer.compare(location.line(), o.location.line());
        if (c != 0) return c;
        c = Integer.compare(location.column(), o.location.column());
        return c != 0 ? c : message.compareTo(o.message);
    }
}
