package io.kubechores.runner;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.kubechores.desiredstate.Secrets;

/** Logback's stack traces ({@code %ex}) with every secret masked: exception messages quote URLs and headers. */
public final class ScrubbingThrowableConverter extends ThrowableProxyConverter {
    @Override
    public String convert(ILoggingEvent event) {
        return Secrets.scrub(super.convert(event));
    }
}
