package io.kubechores.desiredstate;

import io.kubechores.desiredstate.RepoCheckout.Remote;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How a --repo argument is read: URL or folder, and credentials split off the URL before it is used anywhere. */
class RepoCheckoutTest {
    @ParameterizedTest
    @CsvSource({
            "https://github.com/acme/fleet.git, true",
            "http://127.0.0.1:8080/git/fleet.git, true",
            "ssh://git@github.com/acme/fleet.git, true",
            "git@github.com:acme/fleet.git, true",
            "file:///srv/git/fleet.git, true",
            "./my-fleet, false",
            "/srv/fleet, false",
            "repo-layout/example, false",
    })
    void tellsUrlsFromFolders(String repo, boolean url) {
        assertThat(RepoCheckout.isUrl(repo)).isEqualTo(url);
    }

    @ParameterizedTest
    @CsvSource({
            // url,                                            env token, safe url,                          user,           token,   in url
            "https://bot:t0ken-in-url@github.com/acme/f.git,   ,          https://github.com/acme/f.git,     bot,            t0ken-in-url, true",
            "https://t0ken-as-user@github.com/acme/f.git,      ,          https://github.com/acme/f.git,     x-access-token, t0ken-as-user, true",
            "https://github.com/acme/f.git,                    env-t0ken, https://github.com/acme/f.git,     x-access-token, env-t0ken, false",
            "https://bot:t0ken-in-url@github.com/acme/f.git,   env-t0ken, https://github.com/acme/f.git,     bot,            t0ken-in-url, true",
            "git@github.com:acme/f.git,                        env-t0ken, git@github.com:acme/f.git,         x-access-token, env-t0ken, false",
            "https://bot@github.com/acme/f.git,                env-t0ken, https://github.com/acme/f.git,     bot,            env-t0ken, false",
    })
    void credentialsAreTakenOutOfTheUrl(String url, String envToken, String safe, String user, String token,
                                        boolean inUrl) {
        Remote r = Remote.parse(url, envToken, RepoCheckout.DEFAULT_USER);
        assertThat(r.safeUrl()).isEqualTo(safe);
        assertThat(r.user()).isEqualTo(user);
        assertThat(r.token()).isEqualTo(token);
        assertThat(r.tokenInUrl()).isEqualTo(inUrl);
        assertThat(r.toString()).isEqualTo(safe).doesNotContain("t0ken");
        assertThat(r.scrub("fatal: " + url + " said no to " + token)).doesNotContain(token);
    }

    @Test
    void onlyHttpsSendsTheToken() {
        assertThat(Remote.parse("https://github.com/acme/f.git", "t", "u").credentials()).isNotNull();
        assertThat(Remote.parse("git@github.com:acme/f.git", "t", "u").credentials()).isNull();
        assertThat(Remote.parse("file:///srv/f.git", "t", "u").credentials()).isNull();
    }

    @Test
    void aPasswordInAnSshUrlIsRefusedWithoutRepeatingIt() {
        assertThatThrownBy(() -> Remote.parse("ssh://git:hunter2@github.com/acme/f.git", null, "u"))
                .hasMessageNotContaining("hunter2")
                .hasMessageContaining("use an ssh key");
    }

    @Test
    void theCacheFolderDependsOnTheUrlOnly() {
        assertThat(RepoCheckout.hash("https://github.com/acme/f.git"))
                .isEqualTo(RepoCheckout.hash("https://github.com/acme/f.git"))
                .isNotEqualTo(RepoCheckout.hash("https://github.com/acme/g.git"))
                .hasSize(16);
    }
}
