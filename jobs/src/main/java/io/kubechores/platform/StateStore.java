package io.kubechores.platform;

import java.util.Map;
import java.util.Optional;

/**
 * Small persistent key/value state per job, kept in the job repository database (H2 file or PostgreSQL),
 * e.g. the certificate findings already alerted on.
 */
public interface StateStore {
    Optional<String> get(String job, String key);

    void put(String job, String key, String value);

    void remove(String job, String key);

    /** All keys of a job. */
    Map<String, String> all(String job);
}
