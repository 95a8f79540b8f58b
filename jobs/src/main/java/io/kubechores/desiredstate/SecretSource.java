package io.kubechores.desiredstate;

import java.util.Map;
import java.util.Optional;

/** Reads secrets (tokens, webhook URLs) by environment-variable name. Values must never be logged or rendered. */
@FunctionalInterface
public interface SecretSource {
    Optional<String> get(String name);

    /**
     * Environment variables, trimmed ({@code kubectl create secret --from-file} keeps the file's final newline) and
     * registered with {@link io.kubechores.desiredstate.Secrets} so that no log, report or history line can show them.
     */
    SecretSource ENVIRONMENT = name -> Optional.ofNullable(name).map(System::getenv)
            .map(io.kubechores.desiredstate.Secrets::register).filter(v -> !v.isBlank());

    /** Fixed values (tests, the demo), trimmed and registered like the environment's. */
    static SecretSource of(Map<String, String> values) {
        return name -> Optional.ofNullable(name == null ? null : values.get(name))
                .map(io.kubechores.desiredstate.Secrets::register).filter(v -> !v.isBlank());
    }
}
