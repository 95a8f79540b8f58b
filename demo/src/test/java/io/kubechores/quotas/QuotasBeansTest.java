package io.kubechores.quotas;

import io.kubechores.demo.QuotasDemo;

import io.kubechores.core.Chore;
import io.kubechores.demo.DemoContribution;
import io.kubechores.desiredstate.DesiredStateRule;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/** The quotas beans are created by Spring as the launcher and demo find them (no beans needed from elsewhere). */
class QuotasBeansTest {
    @Test
    void choreDemoAndRulesAreSpringBeans() {
        try (var ctx = new AnnotationConfigApplicationContext(QuotasChore.class, QuotasDemo.class, QuotasRules.class)) {
            assertThat(ctx.getBeansOfType(Chore.class).values()).extracting(Chore::name).containsExactly("quotas");
            assertThat(ctx.getBeansOfType(DemoContribution.class).values()).extracting(DemoContribution::job)
                    .containsExactly("quotas");
            assertThat(ctx.getBeansOfType(DesiredStateRule.class)).hasSize(1);
        }
    }
}
