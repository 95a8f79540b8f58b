package io.kubechores.platform.forge;

import io.kubechores.desiredstate.FleetSpec;
import io.kubechores.desiredstate.SecretSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The factory picks the forge from fleet.yaml and refuses incomplete settings with a message naming the field. */
class PullRequestServicesTest {

    static FleetSpec fleet(FleetSpec.Forge forge) {
        return new FleetSpec(null, null, false, null, null, forge, null, null, null, null, null);
    }

    static BotPullRequestService create(FleetSpec.Forge forge, Map<String, String> env) {
        return PullRequestServices.create(fleet(forge), "/srv/git/fleet.git", SecretSource.of(env), Path.of("/cache"),
                Clock.systemUTC(), Path.of("/demo"));
    }

    @Test
    void localForgeFolderResolvesAgainstTheBaseDir() {
        BotPullRequestService s = create(new FleetSpec.Forge(null, ".kubechores/forge", null, null, null), Map.of());

        assertThat(s.forge()).isInstanceOf(LocalForge.class);
        assertThat(((LocalForge) s.forge()).forgeDir()).isEqualTo(Path.of("/demo/.kubechores/forge"));
        assertThat(s.baseBranch()).isEqualTo("main");
        assertThat(s.branches().remoteUrl()).isEqualTo("file:///srv/git/fleet.git");
        assertThat(s.branches().workDir().getParent()).isEqualTo(Path.of("/cache"));

        BotPullRequestService abs = create(new FleetSpec.Forge("local", "/var/forge", null, null, "trunk"), Map.of());
        assertThat(((LocalForge) abs.forge()).forgeDir()).isEqualTo(Path.of("/var/forge"));
        assertThat(abs.baseBranch()).isEqualTo("trunk");
    }

    @Test
    void githubAndGitlabNeedRepositoryAndAToken() {
        assertThat(create(new FleetSpec.Forge("github", null, "acme/fleet", "GH", null), Map.of("GH", "t")).forge())
                .isInstanceOf(GitHubForge.class);
        assertThat(create(new FleetSpec.Forge("gitlab", "https://gl/api/v4", "p/fleet", "GL", null), Map.of("GL", "t"))
                .forge()).isInstanceOf(GitLabForge.class);

        assertThatThrownBy(() -> create(new FleetSpec.Forge("github", null, "acme/fleet", null, null), Map.of()))
                .hasMessageContaining("tokenEnv");
        assertThatThrownBy(() -> create(new FleetSpec.Forge("github", null, "acme/fleet", "GH", null), Map.of()))
                .hasMessageContaining("GH").hasMessageContaining("not set");
        assertThatThrownBy(() -> create(new FleetSpec.Forge("github", null, "fleet", "GH", null), Map.of("GH", "t")))
                .hasMessageContaining("owner/name");
        assertThatThrownBy(() -> create(new FleetSpec.Forge("gitlab", null, "p/fleet", "GL", null), Map.of("GL", "t")))
                .hasMessageContaining("url");
        assertThatThrownBy(() -> create(new FleetSpec.Forge("gitea", null, null, null, null), Map.of()))
                .hasMessageContaining("local, github or gitlab");
    }
}
