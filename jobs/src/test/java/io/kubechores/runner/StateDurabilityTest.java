package io.kubechores.runner;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which state stores end with the pod. Mount lines are /proc/self/mountinfo as proc(5) documents them; an emptyDir
 * is a bind mount from the kubelet's pod folder (.../volumes/kubernetes.io~empty-dir/NAME, Kubernetes docs
 * "Volumes: emptyDir", medium: Memory is a tmpfs); a PVC is its own filesystem (ext4 on EBS, nfs4 on EFS).
 */
class StateDurabilityTest {
    static final String ROOT = "1200 1100 0:300 / / rw,relatime - overlay overlay rw,lowerdir=/l,upperdir=/u,workdir=/w";
    static final String EMPTY_DIR = "1234 1200 259:1 /var/lib/kubelet/pods/8f1c/volumes/kubernetes.io~empty-dir/home "
            + "/home/kubechores rw,relatime - ext4 /dev/nvme0n1p1 rw";
    static final String MEMORY_EMPTY_DIR = "1235 1200 0:310 / /home/kubechores rw,relatime - tmpfs tmpfs rw,size=1g";
    static final String EBS_PVC = "1236 1200 259:5 / /home/kubechores rw,relatime - ext4 /dev/nvme1n1 rw";
    static final String EFS_PVC = "1237 1200 0:320 / /home/kubechores rw,relatime - nfs4 127.0.0.1:/ rw,vers=4.1";

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}: {1} in pod={3} -> {4}")
    @CsvSource(delimiter = '|', value = {
            "emptyDir home          | jdbc:h2:file:/home/kubechores/db/kubechores;AUTO_SERVER=TRUE | EMPTY_DIR        | true  | an emptyDir",
            "memory emptyDir        | jdbc:h2:file:/home/kubechores/db/kubechores                  | MEMORY_EMPTY_DIR | true  | tmpfs",
            "container filesystem   | jdbc:h2:file:/home/kubechores/db/kubechores                  | NONE             | true  | the container's own filesystem",
            "H2 in memory           | jdbc:h2:mem:kubechores                                       | EBS_PVC          | true  | H2 in memory",
            "EBS PVC                | jdbc:h2:file:/home/kubechores/db/kubechores;AUTO_SERVER=TRUE | EBS_PVC          | true  | durable",
            "EFS PVC                | jdbc:h2:/home/kubechores/db/kubechores                       | EFS_PVC          | true  | durable",
            "PostgreSQL on emptyDir | jdbc:postgresql://pg:5432/kubechores                         | EMPTY_DIR        | true  | durable",
            "laptop overlay root    | jdbc:h2:file:/home/kubechores/db/kubechores                  | NONE             | false | durable"})
    void ephemeralWhenTheStoreEndsWithThePod(String name, String url, String mount, boolean inPod, String expected)
            throws IOException {
        String extra = switch (mount) {
            case "EMPTY_DIR" -> EMPTY_DIR;
            case "MEMORY_EMPTY_DIR" -> MEMORY_EMPTY_DIR;
            case "EBS_PVC" -> EBS_PVC;
            case "EFS_PVC" -> EFS_PVC;
            default -> "";
        };
        Path mountinfo = tmp.resolve("mountinfo");
        Files.writeString(mountinfo, ROOT + "\n" + extra + "\n");

        var reason = StateDurability.ephemeralReason(url, mountinfo, inPod);

        if (expected.equals("durable")) assertThat(reason).isEmpty();
        else assertThat(reason).get(org.assertj.core.api.InstanceOfAssertFactories.STRING).contains(expected);
    }
}
