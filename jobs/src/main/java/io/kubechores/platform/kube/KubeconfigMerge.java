package io.kubechores.platform.kube;

import io.fabric8.kubernetes.api.model.NamedAuthInfo;
import io.fabric8.kubernetes.api.model.NamedCluster;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One context out of several kubeconfig files ($KUBECONFIG=a:b:c), merged the way kubectl merges them (Kubernetes
 * docs, "Organizing Cluster Access Using kubeconfig Files", Merging kubeconfig files): the first file to set a map
 * key wins and is never changed (a context, cluster or user named in two files is taken whole from the first one,
 * its other entries are discarded); the context's cluster and user are looked up in the merged maps, so they may live
 * in another file than the context; file references are relative to the file that holds them. fabric8's merge
 * ({@link KubeConfigUtils#merge}, what Config.autoConfigure uses) implements exactly this, so it does the merging.
 * <p>
 * What this class adds: the context must exist, and so must the cluster and user it names (client-go's clientcmd
 * validation: "cluster %q was not found for context %q"). fabric8 would leave https://kubernetes.default.svc and no
 * credentials in their place: the silent in-cluster fallback issue 14 forbids.
 */
final class KubeconfigMerge {
    private KubeconfigMerge() {}

    /** Why the context cannot be used (no cause: the message names files and names only, never content). */
    static final class MergeException extends IllegalStateException {
        MergeException(String message) {
            super(message);
        }
    }

    /**
     * @param files  the kubeconfig files in $KUBECONFIG order (only those that exist)
     * @param parsed each file parsed with {@link KubeConfigUtils#parseConfig} (which notes the file of each entry)
     */
    static Config config(String context, List<Path> files, List<io.fabric8.kubernetes.api.model.Config> parsed) {
        NamedContext ctx = first(parsed, context);
        String where = files.size() == 1 ? "kubeconfig " + files.getFirst() : "the kubeconfigs " + files;
        if (ctx == null || ctx.getContext() == null) throw new MergeException("context \"" + context + "\" is not in " + where);
        String clusterName = ctx.getContext().getCluster();
        if (clusterName == null || clusterName.isBlank() || firstCluster(parsed, clusterName) == null) {
            throw new MergeException("context \"" + context + "\" names cluster \"" + clusterName + "\", which "
                    + (files.size() == 1 ? "kubeconfig " + files.getFirst() + " does" : "none of " + where + " does")
                    + " not define");
        }
        String userName = ctx.getContext().getUser();
        if (userName != null && !userName.isBlank() && firstUser(parsed, userName) == null) {
            throw new MergeException("context \"" + context + "\" names user \"" + userName + "\", which "
                    + (files.size() == 1 ? "kubeconfig " + files.getFirst() + " does" : "none of " + where + " does")
                    + " not define");
        }
        Config config = Config.empty();
        KubeConfigUtils.merge(config, context, parsed.toArray(io.fabric8.kubernetes.api.model.Config[]::new));
        if (config.getCurrentContext() == null || !context.equals(config.getCurrentContext().getName())) {
            throw new MergeException("context \"" + context + "\" could not be selected from " + where);
        }
        return config;
    }

    private static NamedContext first(List<io.fabric8.kubernetes.api.model.Config> parsed, String name) {
        for (var c : parsed) {
            if (c.getContexts() == null) continue;
            for (NamedContext n : c.getContexts()) if (Objects.equals(name, n.getName()) && n.getContext() != null) return n;
        }
        return null;
    }

    private static NamedCluster firstCluster(List<io.fabric8.kubernetes.api.model.Config> parsed, String name) {
        for (var c : parsed) {
            if (c.getClusters() == null) continue;
            for (NamedCluster n : c.getClusters()) if (Objects.equals(name, n.getName()) && n.getCluster() != null) return n;
        }
        return null;
    }

    private static NamedAuthInfo firstUser(List<io.fabric8.kubernetes.api.model.Config> parsed, String name) {
        for (var c : parsed) {
            if (c.getUsers() == null) continue;
            for (NamedAuthInfo n : c.getUsers()) if (Objects.equals(name, n.getName()) && n.getUser() != null) return n;
        }
        return null;
    }
}
