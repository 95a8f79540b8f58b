package io.kubechores.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What each job may do on a cluster: the rules of its ClusterRole in the base's k8s/rbac/JOB.yaml (shipped in the
 * jar; RbacFromCodeIT keeps them equal to the requests the job's code makes). `doctor` asks a
 * SelfSubjectAccessReview for each of them; `render-k8s` copies them into k8s/target for the managed clusters.
 */
public final class JobPermissions {
    public static final List<String> JOBS = List.of("downscale", "rightsize", "quotas", "certs", "promote");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private JobPermissions() {}

    /** One verb on one resource; subresource is null or e.g. "scale"; group "" is the core group. */
    public record Permission(String verb, String group, String resource, String subresource) {
        @Override
        public String toString() {
            return verb + " " + (group.isEmpty() ? "" : group + "/") + resource + (subresource == null ? "" : "/" + subresource);
        }
    }

    /** job -> its ClusterRole's rules expanded to single permissions (jobs without a ClusterRole: empty list). */
    public static Map<String, List<Permission>> byJob() {
        Map<String, List<Permission>> out = new LinkedHashMap<>();
        for (String job : JOBS) {
            List<Permission> perms = new ArrayList<>();
            JsonNode role = clusterRole(job);
            if (role != null) {
                for (JsonNode rule : role.path("rules")) {
                    for (JsonNode g : rule.path("apiGroups")) {
                        for (JsonNode r : rule.path("resources")) {
                            String res = r.asText();
                            int slash = res.indexOf('/');
                            for (JsonNode v : rule.path("verbs")) {
                                perms.add(new Permission(v.asText(), g.asText(), slash < 0 ? res : res.substring(0, slash),
                                        slash < 0 ? null : res.substring(slash + 1)));
                            }
                        }
                    }
                }
            }
            out.put(job, List.copyOf(perms));
        }
        return out;
    }

    /** The ClusterRole document of k8s/rbac/JOB.yaml, or null when the job has none. */
    public static ObjectNode clusterRole(String job) {
        for (JsonNode d : docs("/k8s/rbac/" + job + ".yaml")) {
            if (d.path("kind").asText().equals("ClusterRole")) return (ObjectNode) d;
        }
        return null;
    }

    private static List<JsonNode> docs(String resource) {
        try (InputStream in = JobPermissions.class.getResourceAsStream(resource)) {
            if (in == null) return List.of();
            List<JsonNode> out = new ArrayList<>();
            try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(in)) {
                while (it.hasNext()) {
                    JsonNode n = it.next();
                    if (n != null && !n.isNull() && !n.isMissingNode()) out.add(n);
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
