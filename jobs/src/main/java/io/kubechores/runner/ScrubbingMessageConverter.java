package io.kubechores.runner;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.kubechores.desiredstate.Secrets;

/** Logback {@code %msg} with every secret masked (see {@link Secrets}), for logs of any library, not just ours. */
public final class ScrubbingMessageConverter extends MessageConverter {
    @Override
    public String convert(ILoggingEvent event) {
        return Secrets.scrub(super.convert(event));
    }
}
