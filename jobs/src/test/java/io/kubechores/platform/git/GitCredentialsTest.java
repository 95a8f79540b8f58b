package io.kubechores.platform.git;

import io.kubechores.desiredstate.FleetSpec;
import io.kubechores.desiredstate.SecretSource;
import org.eclipse.jgit.transport.CredentialItem;
import org.eclipse.jgit.transport.URIish;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class GitCredentialsTest {

    static final SecretSource SECRETS = SecretSource.of(Map.of("FORGE_TOKEN", "s3cr3t-value"));

    @ParameterizedTest(name = "[{index}] {0} {1} -> {2}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "https://github.com/acme/fleet.git       | github | x-access-token",
            "https://gitlab.acme.example/p/fleet.git | gitlab | oauth2",
            "http://127.0.0.1:8080/git/fleet.git     | local  | kubechores",
            "file:///srv/git/fleet.git               | github | -",
            "/srv/git/fleet.git                      | local  | -",
            "ssh://git@github.com/acme/fleet.git     | github | -",
            "git@github.com:acme/fleet.git           | github | -",
    })
    void tokenOnlyForHttpRemotesWithTheForgesUser(String url, String type, String user) throws Exception {
        var provider = GitCredentials.forRemote(url, type, "FORGE_TOKEN", SECRETS);
        if (user == null) {
            assertThat(provider).isNull();
            return;
        }
        CredentialItem.Username u = new CredentialItem.Username();
        CredentialItem.Password p = new CredentialItem.Password();
        assertThat(provider.get(new URIish(url), u, p)).isTrue();
        assertThat(u.getValue()).isEqualTo(user);
        assertThat(new String(p.getValue())).isEqualTo("s3cr3t-value");
    }

    @Test
    void noTokenConfiguredOrSetMeansNoCredentials() {
        assertThat(GitCredentials.forRemote("https://h/r.git", "github", null, SECRETS)).isNull();
        assertThat(GitCredentials.forRemote("https://h/r.git", "github", "UNSET_VAR", SECRETS)).isNull();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
            "https://bot:ghp_abc@github.com/acme/fleet.git | https://github.com/acme/fleet.git",
            "https://ghp_abc@github.com/acme/fleet.git     | https://github.com/acme/fleet.git",
            "ssh://git@github.com/acme/fleet.git           | ssh://git@github.com/acme/fleet.git",
            "file:///srv/git/fleet.git                     | file:///srv/git/fleet.git",
    })
    void urlsInMessagesCarryNoCredentials(String url, String shown) {
        assertThat(BotBranches.redact(url)).isEqualTo(shown);
    }

    @Test
    void scrubRemovesAnEmbeddedPasswordFromGitMessages() {
        BotBranches b = new BotBranches("https://bot:ghp_abc123@github.com/acme/fleet.git", Path.of("/tmp/x"), null,
                new FleetSpec.GitAuthor(null, null), Clock.systemUTC());
        assertThat(b.scrub("https://bot:ghp_abc123@github.com/acme/fleet.git: not authorized (ghp_abc123)"))
                .isEqualTo("https://github.com/acme/fleet.git: not authorized (***)");
        assertThat(b.safeUrl()).isEqualTo("https://github.com/acme/fleet.git");
    }
}
