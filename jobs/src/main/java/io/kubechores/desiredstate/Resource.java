package io.kubechores.desiredstate;

/**
 * One validated desired-state document: its kind, metadata, typed spec and where it was written.
 *
 * @param <S> the spec record of the kind
 */
public record Resource<S>(Kind kind, Metadata metadata, S spec, Location location, FieldLocations fields) {
    /** A resource built in code (tests, demo) with no file behind it. */
    public static <S> Resource<S> of(Kind kind, String name, S spec) {
        Location l = new Location(kind.kindName() + "/" + name, 0, 0);
        return new Resource<>(kind, new Metadata(name, null, null), spec, l, FieldLocations.of(l));
    }

    /** Where a field of this document was written, by JSON pointer (e.g. /spec/uptime). */
    public Location locationOf(String pointer) {
        return fields.at(pointer);
    }

    public String name() {
        return metadata.name();
    }
}
