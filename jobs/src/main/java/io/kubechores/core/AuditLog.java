package io.kubechores.core;

/**
 * Append-only record of every mutation, written at the moment it is applied (one JSON line per change, plus a log
 * line with cluster/namespace/kind/name). Never pass secrets.
 */
public interface AuditLog {
    void record(String job, Action action);

    AuditLog NONE = (job, action) -> { };
}
