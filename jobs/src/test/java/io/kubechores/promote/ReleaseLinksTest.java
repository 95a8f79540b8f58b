package io.kubechores.promote;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Links in the promotion PR. GitHub: /releases/tag/TAG and /compare/BASE...HEAD (docs.github.com, "Linking to
 * releases" and "Comparing commits"); GitLab: /-/releases/TAG and /-/compare/FROM...TO.
 */
class ReleaseLinksTest {
    @Test
    void githubAndGitlabOnly() {
        assertThat(ReleaseLinks.of("https://github.com/grafana/loki/", "6.12.0", "6.16.0")).isEqualTo(Map.of(
                "release notes", "https://github.com/grafana/loki/releases/tag/6.16.0",
                "compare", "https://github.com/grafana/loki/compare/6.12.0...6.16.0"));
        assertThat(ReleaseLinks.of("https://gitlab.example.com/platform/loki.git", "v1.0.0", "v1.1.0@sha256:ab"))
                .containsEntry("release notes", "https://gitlab.example.com/platform/loki/-/releases/v1.1.0")
                .containsEntry("compare", "https://gitlab.example.com/platform/loki/-/compare/v1.0.0...v1.1.0");
        assertThat(ReleaseLinks.of("https://charts.example.com/loki", "1", "2")).isEmpty();
        assertThat(ReleaseLinks.of("http://github.com/x/y", "1", "2")).isEmpty();
        assertThat(ReleaseLinks.of(null, "1", "2")).isEmpty();
    }
}
