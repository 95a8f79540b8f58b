package io.kubechores;

import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Profile;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.stereotype.Component;

import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * plan/run start {@link OneShotApplication}, which names its beans instead of scanning for them (issue 15): a new
 * chore, rule or configuration that is not imported there would be missing from every CronJob run while serve (which
 * scans) still has it. Every component of the production code outside the serve profile must be imported.
 */
class OneShotApplicationTest {
    @Test
    void everyComponentOutsideServeIsImported() throws Exception {
        var scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(Component.class)); // @Configuration and @Service too
        Set<String> wanted = new TreeSet<>();
        for (var bd : scanner.findCandidateComponents("io.kubechores")) {
            Class<?> c = Class.forName(bd.getBeanClassName());
            if (c.getProtectionDomain().getCodeSource().getLocation().getPath().contains("test-classes")) continue;
            if (c == KubechoresApplication.class || c == OneShotApplication.class) continue;
            Profile p = c.getAnnotation(Profile.class);
            if (p != null && Arrays.asList(p.value()).contains("serve")) continue;
            wanted.add(c.getName());
        }
        Set<String> imported = new TreeSet<>();
        for (Class<?> c : OneShotApplication.class.getAnnotation(Import.class).value()) imported.add(c.getName());
        assertThat(wanted).as("components a one-shot run needs").isNotEmpty().containsExactlyElementsOf(imported);
    }
}
