package io.kubechores.downscale;

import io.kubechores.model.downscale.DownscalePlan;

import io.kubechores.desiredstate.FleetSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Savings in money: AWS EC2 on-demand list prices (us-east-1, Linux, .large = 2 vCPU) split into vCPU-hour and
 * GiB-hour so that the split prices the .large size back exactly (source: AWS "EC2 On-Demand Pricing" page).
 */
class PricesTest {
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            c6i | 4  | 0.085
            m6i | 8  | 0.096
            r6i | 16 | 0.126
            m7g | 8  | 0.0816
            """)
    void aFamilysSplitPricesItsLargeSizeExactly(String family, int gib, double large) {
        Prices p = Prices.of(new FleetSpec.Prices(family, null, null, null));
        assertThat(2 * p.vcpuHour() + gib * p.gibHour()).isCloseTo(large, within(1e-9));
        assertThat(p.gibHour()).isLessThan(p.vcpuHour() / 5);
    }

    @Test
    void defaultsOverridesAndCost() {
        Prices d = Prices.of(null);
        assertThat(d.source()).contains("m6i");
        assertThat(d.currency()).isEqualTo("USD");
        Prices own = Prices.of(new FleetSpec.Prices(null, 0.04, 0.005, "EUR"));
        assertThat(own.source()).isEqualTo("Fleet downscale.prices");
        // 14.25 core-hours and 28.5 GiB-hours (3 × 0.5 CPU / 1 GiB for 9.5 h)
        double cost = own.cost(new DownscalePlan.Savings(14.25, 28.5, 3));
        assertThat(cost).isCloseTo(14.25 * 0.04 + 28.5 * 0.005, within(1e-9));
        assertThat(own.format(cost)).isEqualTo("0.71 EUR");
        assertThatThrownBy(() -> Prices.of(new FleetSpec.Prices("x9z", null, null, null)))
                .hasMessageContaining("unknown instance family \"x9z\"").hasMessageContaining("m6i");
    }
}
