package io.kubechores.platform.git;

import io.kubechores.desiredstate.FleetSpec;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.UploadPack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * BotBranches over ssh: an Apache MINA sshd server on loopback running JGit's upload-pack/receive-pack, public-key
 * auth with a key from a KUBECHORES_SSH_DIR-style folder, host key checked against that folder's known_hosts.
 */
class BotBranchesSshIT {

    static final String BRANCH = "kubechores/promote/loki-prod";
    static final String FILE = "apps/shop/values.yaml";

    @TempDir
    Path tmp;
    TestRemote remote;
    SshServer sshd;
    KeyPair hostKey;
    KeyPair clientKey;
    final AtomicInteger receivePacks = new AtomicInteger();

    static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    @BeforeEach
    void start() throws Exception {
        remote = TestRemote.create(tmp.resolve("git"));
        hostKey = ec();
        clientKey = ec();
        sshd = SshServer.setUpDefaultServer();
        sshd.setHost("127.0.0.1");
        sshd.setPort(0);
        sshd.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        sshd.setPublickeyAuthenticator((user, key, session) -> KeyUtils.compareKeys(key, clientKey.getPublic()));
        sshd.setCommandFactory((channel, command) -> new GitCommand(command));
        sshd.start();
    }

    @AfterEach
    void stop() throws Exception {
        sshd.stop(true);
    }

    String url() {
        return "ssh://git@127.0.0.1:" + sshd.getPort() + "/fleet.git";
    }

    Path sshDir(boolean knowsHost) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(knowsHost ? "home/.ssh" : "stranger/.ssh"));
        try (OutputStream out = Files.newOutputStream(dir.resolve("id_ecdsa"))) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(clientKey, "kubechores", null, out);
        }
        Files.writeString(dir.resolve("known_hosts"), knowsHost
                ? "[127.0.0.1]:" + sshd.getPort() + " " + PublicKeyEntry.toString(hostKey.getPublic()) + "\n" : "");
        return dir;
    }

    BotBranches branches(Path sshDir) {
        return new BotBranches(url(), tmp.resolve("cache"), null, GitSsh.sshDirectory(sshDir),
                new FleetSpec.GitAuthor("kubechores-bot", "bot@acme.example"),
                Clock.fixed(Instant.parse("2026-11-24T13:00:00Z"), ZoneId.of("UTC")));
    }

    @Test
    void pushesOverSshOnceForIdenticalContent() throws Exception {
        String changed = TestRemote.seed(FILE).replace("tag: \"1.4.2\"", "tag: \"1.5.0\"");
        Path dir = sshDir(true);

        BotBranches.BranchResult first = branches(dir).upsert(BRANCH, "main", Map.of(FILE, changed), "promote");
        BotBranches.BranchResult second = branches(dir).upsert(BRANCH, "main", Map.of(FILE, changed), "promote");

        assertThat(first.outcome()).isEqualTo(BotBranches.Outcome.CREATED);
        assertThat(second.outcome()).isEqualTo(BotBranches.Outcome.UNCHANGED);
        assertThat(remote.head(BRANCH)).isEqualTo(first.headSha());
        assertThat(remote.read(BRANCH, FILE)).isEqualTo(changed);
        assertThat(receivePacks.get()).isEqualTo(1);
        assertThat(GitSsh.isSsh(url())).isTrue();
        assertThat(GitSsh.isSsh("git@github.com:acme/fleet.git")).isTrue();
        assertThat(GitSsh.isSsh("https://github.com/acme/fleet.git")).isFalse();
    }

    @Test
    void unknownHostKeyIsRefused() throws Exception {
        Path dir = sshDir(false);

        assertThatThrownBy(() -> branches(dir).upsert(BRANCH, "main", Map.of(FILE, "x: 1\n"), "m"))
                .hasMessageContaining("fetch from " + url());
        assertThat(remote.head(BRANCH)).isNull();
    }

    /** git-upload-pack / git-receive-pack '/fleet.git' served by JGit on the test remote. */
    final class GitCommand implements Command {
        private final String command;
        private InputStream in;
        private OutputStream out;
        private OutputStream err;
        private ExitCallback exit;

        GitCommand(String command) {
            this.command = command;
        }

        @Override
        public void setInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public void setOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void setErrorStream(OutputStream err) {
            this.err = err;
        }

        @Override
        public void setExitCallback(ExitCallback exit) {
            this.exit = exit;
        }

        @Override
        public void start(ChannelSession channel, Environment env) {
            Thread.ofVirtual().start(() -> {
                int code = 0;
                try (Repository repo = remote.open()) {
                    if (!command.endsWith("/fleet.git'")) {
                        code = 128;
                    } else if (command.startsWith("git-upload-pack ")) {
                        new UploadPack(repo).upload(in, out, err);
                    } else if (command.startsWith("git-receive-pack ")) {
                        receivePacks.incrementAndGet();
                        new ReceivePack(repo).receive(in, out, err);
                    } else {
                        code = 127;
                    }
                } catch (Exception e) {
                    code = 1;
                } finally {
                    try {
                        out.flush();
                        err.flush();
                    } catch (Exception ignored) {
                        // channel already closed
                    }
                    exit.onExit(code);
                }
            });
        }

        @Override
        public void destroy(ChannelSession channel) {
        }
    }
}
