package io.kubechores;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Extra beans of a one-shot run ({@link OneShotApplication}), listed one class a line in
 * {@code META-INF/spring/io.kubechores.OneShotImports.imports} of any jar on the class path: Spring Boot's own
 * mechanism for an {@link ImportAutoConfiguration} without classes (as its test slices use). The one-shot context
 * scans nothing, so a chore from another jar (or a test's, e.g. the CLI tests' echo chore) is added this way.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ImportAutoConfiguration
public @interface OneShotImports {
}
