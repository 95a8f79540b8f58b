package io.kubechores.core;

import java.util.List;

/**
 * A chore's cross-partition work ({@link Chore#rollUp}): what it will do (or, after {@link Chore#applyRollUp}, did)
 * beyond the partitions, as actions (PLANNED in a dry run).
 */
public interface RollUp {
    List<Action> actions();

    /** Warnings of the roll-up (not failures). */
    default List<String> warnings() {
        return List.of();
    }

    /** A chore with no cross-partition actions. */
    RollUp NONE = List::of;
}
