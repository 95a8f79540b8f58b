package io.kubechores.demo;

import io.kubechores.testkit.aot.AotCacheBuilder;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The image build refuses to train a cache on a JDK build other than the image's (its JVM would refuse the cache). */
class AotCacheBuilderTest {
    @Test
    void sameJdkMeansSameReleaseAndBuildWhateverTheSuffix() {
        assertThat(AotCacheBuilder.sameJdk("25.0.3+9", Runtime.Version.parse("25.0.3+9-LTS"))).isTrue();
        assertThat(AotCacheBuilder.sameJdk("25.0.3+9", Runtime.Version.parse("25.0.3+10-LTS"))).isFalse();
        assertThat(AotCacheBuilder.sameJdk("25.0.3+9", Runtime.Version.parse("25.0.4+9-LTS"))).isFalse();
        assertThat(AotCacheBuilder.sameJdk("25.0.3+9", Runtime.Version.parse("26+9"))).isFalse();
    }
}
