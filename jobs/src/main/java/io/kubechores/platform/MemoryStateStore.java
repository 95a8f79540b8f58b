package io.kubechores.platform;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** In-memory {@link StateStore} for tests and one-shot dry runs. */
public final class MemoryStateStore implements StateStore {
    private final Map<String, Map<String, String>> data = new ConcurrentHashMap<>();

    @Override
    public Optional<String> get(String job, String key) {
        return Optional.ofNullable(data.getOrDefault(job, Map.of()).get(key));
    }

    @Override
    public void put(String job, String key, String value) {
        data.computeIfAbsent(job, j -> new ConcurrentHashMap<>()).put(key, value);
    }

    @Override
    public void remove(String job, String key) {
        data.getOrDefault(job, new ConcurrentHashMap<>()).remove(key);
    }

    @Override
    public Map<String, String> all(String job) {
        return new TreeMap<>(data.getOrDefault(job, Map.of()));
    }
}
