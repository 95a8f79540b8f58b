package io.kubechores.cli;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.kubechores.desiredstate.DesiredStateRule;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** validate runs without Spring, so its rule list must name every DesiredStateRule the jobs have (no rule silently skipped). */
class DesiredStateRulesTest {
    @Test
    void everyDesiredStateRuleOfTheJobsIsListed() {
        var declared = new ClassFileImporter().importPath(Path.of("target", "classes")).stream()
                .filter(c -> c.isAssignableTo(DesiredStateRule.class) && !c.isInterface()
                        && !c.getModifiers().contains(JavaModifier.ABSTRACT))
                .map(JavaClass::getName).collect(Collectors.toSet());
        assertThat(declared).as("rules found in the production classes").isNotEmpty();
        assertThat(DesiredStateRules.all()).extracting(r -> r.getClass().getName())
                .containsExactlyInAnyOrderElementsOf(declared);
    }
}
