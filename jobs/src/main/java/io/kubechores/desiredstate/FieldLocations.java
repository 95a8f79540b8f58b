package io.kubechores.desiredstate;

import java.util.Map;

/**
 * Where each field of one document was written, keyed by JSON pointer (/spec/nodePools/0/maxSize).
 * A pointer not present falls back to its closest written parent.
 */
public record FieldLocations(Location document, Map<String, Location> byPointer) {
    public FieldLocations {
        byPointer = Map.copyOf(byPointer);
    }

    public static FieldLocations of(Location document) {
        return new FieldLocations(document, Map.of());
    }

    public Location at(String pointer) {
        String p = pointer;
        while (true) {
            Location l = byPointer.get(p);
            if (l != null) return l;
            if (p.isEmpty()) return document;
            int slash = p.lastIndexOf('/');
            p = slash <= 0 ? "" : p.substring(0, slash);
        }
    }

    /** Renders /spec/nodePools/0/maxSize as spec.nodePools[0].maxSize. */
    public static String fieldPath(String pointer) {
        StringBuilder sb = new StringBuilder();
        for (String part : pointer.split("/")) {
            if (part.isEmpty()) continue;
            String p = part.replace("~1", "/").replace("~0", "~");
            if (p.chars().allMatch(Character::isDigit)) sb.append('[').append(p).append(']');
            else sb.append(sb.isEmpty() ? "" : ".").append(p);
        }
        return sb.toString();
    }
}
