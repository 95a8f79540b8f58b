package io.kubechores.runner;

import io.kubechores.platform.StateStore;
import org.springframework.jdbc.core.JdbcTemplate;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link StateStore} in the job repository database (H2 file or PostgreSQL), table KUBECHORES_STATE. */
public final class JdbcStateStore implements StateStore {
    private final JdbcTemplate jdbc;

    public JdbcStateStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        jdbc.execute("CREATE TABLE IF NOT EXISTS KUBECHORES_STATE ("
                + "JOB VARCHAR(64) NOT NULL, STATE_KEY VARCHAR(1024) NOT NULL, STATE_VALUE VARCHAR(1000000), "
                + "UPDATED TIMESTAMP NOT NULL, PRIMARY KEY (JOB, STATE_KEY))");
    }

    @Override
    public Optional<String> get(String job, String key) {
        List<String> v = jdbc.queryForList("SELECT STATE_VALUE FROM KUBECHORES_STATE WHERE JOB = ? AND STATE_KEY = ?",
                String.class, job, key);
        return v.isEmpty() ? Optional.empty() : Optional.ofNullable(v.get(0));
    }

    @Override
    public synchronized void put(String job, String key, String value) {
        Timestamp now = Timestamp.from(Instant.now());
        int n = jdbc.update("UPDATE KUBECHORES_STATE SET STATE_VALUE = ?, UPDATED = ? WHERE JOB = ? AND STATE_KEY = ?",
                value, now, job, key);
        if (n == 0) {
            jdbc.update("INSERT INTO KUBECHORES_STATE (JOB, STATE_KEY, STATE_VALUE, UPDATED) VALUES (?, ?, ?, ?)",
                    job, key, value, now);
        }
    }

    @Override
    public void remove(String job, String key) {
        jdbc.update("DELETE FROM KUBECHORES_STATE WHERE JOB = ? AND STATE_KEY = ?", job, key);
    }

    @Override
    public Map<String, String> all(String job) {
        Map<String, String> out = new LinkedHashMap<>();
        jdbc.query("SELECT STATE_KEY, STATE_VALUE FROM KUBECHORES_STATE WHERE JOB = ? ORDER BY STATE_KEY",
                rs -> { out.put(rs.getString(1), rs.getString(2)); }, job);
        return out;
    }
}
