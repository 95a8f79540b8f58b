package io.kubechores.quotas;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped instance-type table and the family → vCPU quota code mapping. */
class InstanceTypesTest {
    final InstanceTypes types = InstanceTypes.shipped();

    @ParameterizedTest(name = "{0}: {1} vCPU, on-demand {2}, spot {3}")
    @CsvSource({
            "m5.large, 2, L-1216C47A, L-34B43A08",
            "m6a.48xlarge, 192, L-1216C47A, L-34B43A08",
            "m7i.metal-48xl, 192, L-1216C47A, L-34B43A08",
            "c5.9xlarge, 36, L-1216C47A, L-34B43A08",
            "c7g.medium, 1, L-1216C47A, L-34B43A08",
            "r5.24xlarge, 96, L-1216C47A, L-34B43A08",
            "t3.nano, 2, L-1216C47A, L-34B43A08",
            "z1d.3xlarge, 12, L-1216C47A, L-34B43A08",
            "i4i.32xlarge, 128, L-1216C47A, L-34B43A08",
            "g4dn.12xlarge, 48, L-DB2E81BA, L-3819A6DF",
            "g5.48xlarge, 192, L-DB2E81BA, L-3819A6DF",
            "vt1.3xlarge, 12, L-DB2E81BA, L-3819A6DF",
            "p3.8xlarge, 32, L-417A185B, L-7212CCBC",
            "p4d.24xlarge, 96, L-417A185B, L-7212CCBC",
            "inf1.6xlarge, 24, L-1945791B, L-B5D1601B",
            "inf2.xlarge, 4, L-1945791B, L-B5D1601B",
            "x2idn.24xlarge, 96, L-7295265B, L-E3A00192",
            "x1e.xlarge, 4, L-7295265B, L-E3A00192",
            "f1.4xlarge, 16, L-74FC7D96, L-88CF9481",
            "dl1.24xlarge, 96, L-6E869C2A, L-85EED4F7",
            "trn1.32xlarge, 128, L-2C3B7624, L-6B0D517C",
    })
    void knowsVcpusAndQuotaCodes(String type, int vcpus, String onDemand, String spot) {
        assertThat(types.vcpus(type)).contains(vcpus);
        InstanceTypes.QuotaClass c = types.quotaClass(type).orElseThrow();
        assertThat(c.code(false)).contains(onDemand);
        assertThat(c.code(true)).contains(spot);
    }

    @Test
    void everyShippedTypeHasAQuotaClassAndPositiveVcpus() throws Exception {
        try (var in = Objects.requireNonNull(getClass().getClassLoader().getResourceAsStream(InstanceTypes.TYPES_RESOURCE));
             var r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            long checked = r.lines().filter(l -> !l.startsWith("#") && !l.startsWith("instanceType") && !l.isBlank())
                    .map(l -> l.split(",")[0])
                    .peek(t -> {
                        assertThat(types.quotaClass(t)).as(t).isPresent();
                        assertThat(types.vcpus(t).orElseThrow()).as(t).isPositive();
                    }).count();
            assertThat(checked).isEqualTo(types.size()).isGreaterThan(300);
        }
    }

    /**
     * HPC instances count against their own on-demand quota, "Running On-Demand HPC instances" L-F7808C92 (Service
     * Quotas console, EC2; the same code other quota tools map the hpc prefix to), not the Standard one whose name
     * lists H: "hpc" is the letters before the generation digit, "h" (h1) stays standard. Service Quotas lists
     * no HPC Spot quota (EC2's quota list has "Running On-Demand HPC instances" only), so a spot pool of them has
     * nothing to derive.
     */
    @ParameterizedTest(name = "{0}: {1} vCPU, on-demand HPC quota")
    @CsvSource({"hpc6a.48xlarge, 96", "hpc6id.32xlarge, 64", "hpc7a.12xlarge, 24", "hpc7a.96xlarge, 192",
            "hpc7g.4xlarge, 16", "hpc7g.16xlarge, 64"})
    void hpcTypesHaveTheirOwnOnDemandQuotaAndNoSpotOne(String type, int vcpus) {
        assertThat(types.vcpus(type)).contains(vcpus);
        InstanceTypes.QuotaClass c = types.quotaClass(type).orElseThrow();
        assertThat(c.name()).isEqualTo("hpc");
        assertThat(c.code(false)).contains("L-F7808C92");
        assertThat(c.quotaName(false)).isEqualTo("Running On-Demand HPC instances");
        assertThat(c.code(true)).isEmpty();
        // a family EC2 reports that the shipped table does not list yet still maps by its prefix
        assertThat(types.quotaClass("hpc8a.96xlarge").map(InstanceTypes.QuotaClass::name)).contains("hpc");
        assertThat(types.quotaClass("h1.16xlarge").map(InstanceTypes.QuotaClass::name)).contains("standard");
    }

    @Test
    void unknownFamiliesHaveNoClass() {
        assertThat(types.quotaClass("zz9.48xlarge")).isEmpty();
        assertThat(types.vcpus("m99.large")).isEmpty();
    }
}
