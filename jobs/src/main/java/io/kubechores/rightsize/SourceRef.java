package io.kubechores.rightsize;

/**
 * Where a workload's resources are written in the desired-state repo.
 *
 * @param file       repo-relative path (forward slashes)
 * @param shape      manifest | kustomize | helm
 * @param kind       manifest/kustomize: the document's kind
 * @param namespace  manifest/kustomize: the workload's namespace (the document may omit it)
 * @param name       manifest/kustomize: metadata.name of the document
 * @param valuesPath helm: dotted path of the resources block, {container} replaced per container
 */
public record SourceRef(String file, String shape, String kind, String namespace, String name, String valuesPath) {

    public boolean helm() {
        return "helm".equals(shape);
    }

    /** Stable identity of the edited block: workloads sharing it are rolled up together. */
    public String key() {
        return helm() ? file + "#" + valuesPath : file + "#" + kind + "/" + name;
    }

    /** The helm values path of one container. */
    public String valuesPathFor(String container) {
        return valuesPath == null ? null : valuesPath.replace("{container}", container);
    }
}
