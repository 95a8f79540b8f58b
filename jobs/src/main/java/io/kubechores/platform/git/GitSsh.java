package io.kubechores.platform.git;

import org.eclipse.jgit.api.TransportConfigCallback;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

import java.nio.file.Path;
import java.util.Locale;

/**
 * ssh for bot branches (JGit's Apache MINA sshd client). By default JGit reads keys, known_hosts and config from
 * {@code ~/.ssh}; in a container the key usually comes from a mounted Secret, so {@code KUBECHORES_SSH_DIR} may name
 * another folder holding {@code id_ecdsa}/{@code id_ed25519}/{@code id_rsa}, {@code known_hosts} and optionally
 * {@code config}. Host keys are checked against known_hosts (unknown hosts are refused).
 */
public final class GitSsh {

    /** Environment variable naming the ssh folder (keys, known_hosts). */
    public static final String SSH_DIR_ENV = "KUBECHORES_SSH_DIR";

    private GitSsh() {
    }

    /** True for ssh://, git+ssh:// and scp-like user@host:path remotes. */
    public static boolean isSsh(String url) {
        if (url == null) {
            return false;
        }
        String u = url.toLowerCase(Locale.ROOT);
        return u.startsWith("ssh://") || u.startsWith("git+ssh://") || u.matches("^[^/\\\\:]+@[^:/]+:.*");
    }

    /** Transport configuration using the keys and known_hosts of {@code sshDir} (its parent as home). */
    public static TransportConfigCallback sshDirectory(Path sshDir) {
        Path dir = sshDir.toAbsolutePath();
        SshdSessionFactory factory = new SshdSessionFactoryBuilder()
                .setHomeDirectory(dir.getParent().toFile())
                .setSshDirectory(dir.toFile())
                .setPreferredAuthentications("publickey")
                .build(null);
        return transport -> {
            if (transport instanceof SshTransport ssh) {
                ssh.setSshSessionFactory(factory);
            }
        };
    }

    /** {@link #sshDirectory} for {@code KUBECHORES_SSH_DIR} when the remote is ssh and the variable is set; else null. */
    public static TransportConfigCallback fromEnvironment(String remoteUrl) {
        String dir = System.getenv(SSH_DIR_ENV);
        return isSsh(remoteUrl) && dir != null && !dir.isBlank() ? sshDirectory(Path.of(dir)) : null;
    }
}
