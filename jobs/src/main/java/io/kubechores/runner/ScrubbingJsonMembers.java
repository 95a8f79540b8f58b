package io.kubechores.runner;

import io.kubechores.desiredstate.Secrets;
import org.springframework.boot.json.JsonWriter;
import org.springframework.boot.logging.structured.StructuredLoggingJsonMembersCustomizer;

/**
 * {@code --log-format json} masks secrets as the text logs do ({@link ScrubbingMessageConverter},
 * {@link ScrubbingThrowableConverter}): every string value of every JSON log line (message, stack_trace, MDC fields,
 * key/value pairs) goes through {@link Secrets#scrub} before it is written. Registered with Spring Boot's structured
 * logging by {@code logging.structured.json.customizer} (application.properties); Spring Boot reference, "Structured
 * Logging: Customizing Structured Logging JSON" (a StructuredLoggingJsonMembersCustomizer may apply a value processor).
 */
public final class ScrubbingJsonMembers implements StructuredLoggingJsonMembersCustomizer<Object> {
    @Override
    public void customize(JsonWriter.Members<Object> members) {
        members.applyingValueProcessor(JsonWriter.ValueProcessor.of(String.class, Secrets::scrub));
    }
}
