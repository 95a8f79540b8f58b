package io.kubechores.promote;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Version precedence, from the SemVer 2.0.0 specification (https://semver.org/#spec-item-11): "1.0.0 < 2.0.0 < 2.1.0 <
 * 2.1.1", "1.0.0-alpha < 1.0.0", "1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-alpha.beta < 1.0.0-beta < 1.0.0-beta.2 <
 * 1.0.0-beta.11 < 1.0.0-rc.1 < 1.0.0"; build metadata does not figure in precedence (spec item 10). Helm chart
 * versions are SemVer 2 (https://helm.sh/docs/topics/charts/#charts-and-versioning).
 */
class SemVerTest {
    @ParameterizedTest(name = "{0} < {1}")
    @CsvSource(delimiter = '|', textBlock = """
            1.0.0             | 2.0.0
            2.0.0             | 2.1.0
            2.1.0             | 2.1.1
            1.0.0-alpha       | 1.0.0
            1.0.0-alpha       | 1.0.0-alpha.1
            1.0.0-alpha.1     | 1.0.0-alpha.beta
            1.0.0-alpha.beta  | 1.0.0-beta
            1.0.0-beta        | 1.0.0-beta.2
            1.0.0-beta.2      | 1.0.0-beta.11
            1.0.0-beta.11     | 1.0.0-rc.1
            1.0.0-rc.1        | 1.0.0
            6.12.0            | 6.16.0
            6.9.0             | 6.10.0
            1.0.0-2           | 1.0.0-10
            1.0.0-10          | 1.0.0-a
            1.0.0-RC1         | 1.0.0-alpha
            1.0.0-alpha10     | 1.0.0-alpha2
            9.99.99           | 10.0.0-rc.1
            v1.10.1           | v1.11.3
            18446744073709551615.0.0 | 18446744073709551616.0.0
            """)
    void ordersByPrecedence(String lower, String higher) {
        SemVer a = SemVer.parse(lower).orElseThrow();
        SemVer b = SemVer.parse(higher).orElseThrow();
        assertThat(a.compareTo(b)).isNegative();
        assertThat(b.compareTo(a)).isPositive();
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', textBlock = """
            1.0.0+build.1            | 1.0.0+build.2
            1.0.0-rc.1+001           | 1.0.0-rc.1
            4.11.3@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef | 4.11.3
            """)
    void buildMetadataAndDigestsDoNotOrder(String a, String b) {
        assertThat(SemVer.parse(a).orElseThrow().compareTo(SemVer.parse(b).orElseThrow())).isZero();
    }

    /** Not SemVer 2.0.0: promote cannot order them, so it refuses and asks a human. */
    @ParameterizedTest
    @ValueSource(strings = {"latest", "1.2", "1", "01.2.3", "1.02.3", "1.2.3-01", "1.2.3-", "2024-06-01", "stable-6.16",
            "1.2.3.4", "", " v"})
    void rejectsWhatIsNotSemVer(String text) {
        assertThat(SemVer.parse(text)).isEmpty();
    }

    @ParameterizedTest(name = "{1} → {0}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            7.0.0        | 6.16.0 | major
            6.16.0       | 6.12.0 | minor
            6.16.1       | 6.16.0 | patch
            6.16.0       | 6.16.0-rc.1 | pre-release
            """)
    void bumpType(String newer, String older, String bump) {
        assertThat(SemVer.parse(newer).orElseThrow().bumpFrom(SemVer.parse(older).orElseThrow())).isEqualTo(bump);
    }

    @ParameterizedTest(name = "wanted {0}, running {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            1.2.3                 | 1.2.3                 | true
            1.2.3                 | 1.2.3@sha256:aaaa     | true
            1.2.3@sha256:aaaa     | 1.2.3                 | true
            1.2.3@sha256:aaaa     | 1.2.3@sha256:aaaa     | true
            1.2.3@sha256:aaaa     | 1.2.3@sha256:bbbb     | false
            1.2.3                 | 1.2.4@sha256:aaaa     | false
            """)
    void digestPinnedTagsMatchTheirTag(String wanted, String running, boolean same) {
        assertThat(SemVer.sameVersion(wanted, running)).isEqualTo(same);
    }

    @org.junit.jupiter.api.Test
    void sortsAList() {
        List<String> sorted = List.of("1.0.0", "1.0.0-rc.1", "1.0.0-alpha", "1.0.0-beta.11", "1.0.0-beta.2", "1.0.0-alpha.1")
                .stream().sorted((x, y) -> SemVer.parse(x).orElseThrow().compareTo(SemVer.parse(y).orElseThrow())).toList();
        assertThat(sorted).containsExactly("1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0");
    }
}
