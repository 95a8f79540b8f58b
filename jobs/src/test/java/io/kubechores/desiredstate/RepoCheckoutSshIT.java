package io.kubechores.desiredstate;

import io.kubechores.desiredstate.RepoCheckout.RepoCheckoutException;
import io.kubechores.desiredstate.SecretSource;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
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
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Checkout over ssh: an Apache MINA sshd server on loopback that runs JGit's upload-pack for one bare repo and
 * accepts one public key; the client reads its key and known_hosts from an ssh folder, as from ~/.ssh.
 */
class RepoCheckoutSshIT {
    @TempDir
    Path tmp;
    Path remote;
    Path sshDir;
    SshServer server;
    KeyPair userKey;
    KeyPair hostKey;
    String url;

    @BeforeEach
    void sshServerServingABareRepo() throws Exception {
        remote = tmp.resolve("fleet.git");
        Git.init().setBare(true).setDirectory(remote.toFile()).setInitialBranch("main").call().close();
        userKey = ecKey();
        hostKey = ecKey();
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        server.setPublickeyAuthenticator((user, key, session) -> KeyUtils.compareKeys(key, userKey.getPublic()));
        server.setCommandFactory((channel, command) -> {
            // "git-upload-pack '/fleet.git'": serve the one repo, refuse anything else (e.g. receive-pack)
            if (!command.startsWith("git-upload-pack") || !command.contains("fleet.git")) {
                throw new java.io.IOException("unsupported command: " + command);
            }
            return new UploadPackCommand(remote);
        });
        server.start();
        url = "ssh://git@127.0.0.1:" + server.getPort() + "/fleet.git";

        sshDir = Files.createDirectories(tmp.resolve("dot-ssh"));
        try (OutputStream out = Files.newOutputStream(sshDir.resolve("id_ecdsa"))) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(userKey, "kubechores-test", null, out);
        }
        Files.writeString(sshDir.resolve("known_hosts"),
                "[127.0.0.1]:" + server.getPort() + " " + PublicKeyEntry.toString(hostKey.getPublic()) + "\n");
    }

    @AfterEach
    void stop() throws Exception {
        server.stop(true);
    }

    @Test
    void clonesAndFetchesOverSshWithTheUsersKey() throws Exception {
        RevCommit c1 = pushCommit("v1\n");
        RepoCheckout checkout = new RepoCheckout(tmp.resolve("cache"), SecretSource.of(Map.of()), null, null, sshDir);

        RepoCheckout.Checkout first = checkout.checkout(url, "main");
        assertThat(first.commit()).isEqualTo(c1.name());
        assertThat(first.source()).isEqualTo(url);
        assertThat(first.workTree().resolve("fleet.yaml")).hasContent("v1");

        RevCommit c2 = pushCommit("v2\n");
        RepoCheckout.Checkout second = checkout.checkout(url, null);
        assertThat(second.commit()).isEqualTo(c2.name());
        assertThat(second.workTree().resolve("fleet.yaml")).hasContent("v2");
    }

    @Test
    void aKeyTheServerDoesNotAcceptIsAClearError() throws Exception {
        pushCommit("v1\n");
        try (OutputStream out = Files.newOutputStream(sshDir.resolve("id_ecdsa"))) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(ecKey(), "someone-else", null, out);
        }
        RepoCheckout checkout = new RepoCheckout(tmp.resolve("cache"), SecretSource.of(Map.of()), null, null, sshDir);

        assertThatThrownBy(() -> checkout.checkout(url, "main"))
                .isInstanceOf(RepoCheckoutException.class)
                .hasMessageStartingWith("cannot read the desired-state repo " + url + ": authentication failed; "
                        + "check that your ssh key is authorised for this repository");
    }

    private RevCommit pushCommit(String content) throws Exception {
        Path author = tmp.resolve("author");
        Git git = Files.exists(author) ? Git.open(author.toFile())
                : Git.cloneRepository().setURI(remote.toUri().toString()).setDirectory(author.toFile()).call();
        try (git) {
            Files.writeString(author.resolve("fleet.yaml"), content);
            git.add().addFilepattern(".").call();
            PersonIdent who = new PersonIdent("Test", "test@example.com", Instant.now(), ZoneOffset.UTC);
            RevCommit c = git.commit().setMessage("edit").setAuthor(who).setCommitter(who).call();
            git.push().setRemote("origin").add("HEAD:refs/heads/main").call();
            return c;
        }
    }

    private static KeyPair ecKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    /** The server side of "git fetch" over ssh: JGit's upload-pack on the channel's streams. */
    static final class UploadPackCommand implements Command {
        private final Path repoDir;
        private InputStream in;
        private OutputStream out;
        private OutputStream err;
        private ExitCallback exit;

        UploadPackCommand(Path repoDir) {
            this.repoDir = repoDir;
        }

        @Override public void setInputStream(InputStream in) { this.in = in; }
        @Override public void setOutputStream(OutputStream out) { this.out = out; }
        @Override public void setErrorStream(OutputStream err) { this.err = err; }
        @Override public void setExitCallback(ExitCallback exit) { this.exit = exit; }

        @Override
        public void start(ChannelSession channel, Environment env) {
            Thread.ofVirtual().start(() -> {
                try (Repository repo = new FileRepositoryBuilder().setGitDir(repoDir.toFile()).setMustExist(true).build()) {
                    new UploadPack(repo).upload(in, out, err);
                    out.flush();
                    exit.onExit(0);
                } catch (Exception e) {
                    exit.onExit(1, String.valueOf(e.getMessage()));
                }
            });
        }

        @Override
        public void destroy(ChannelSession channel) {}
    }
}
