package io.kubechores.desiredstate;

import java.util.Map;
import java.util.Optional;

/** Reads secrets (tokens, webhook URLs) by environment-variable name. Values must never be logged or rendered. */
@FunctionalInterface
public interface SecretSource {
    Optional<String> get(String name);

    SecretSource ENVIRONMENT = name -> Optional.ofNullable(name).map(System::getenv).filter(v -> !v.isBlank());

    static SecretSource of(Map<String, String> values) {
        return name -> Optional.ofNullable(values.get(name));
    }
}
