package io.kubechores.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.kubechores.runner.schedule.ScheduleLoader;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every pod of k8s/ (CronJobs and the runner Deployment) starts the image's entrypoint, which carries the JDK 25 AOT
 * cache ({@code java -XX:AOTCache=/app/kubechores.aot -jar /app/kubechores.jar}, jobs/pom.xml profile {@code image}):
 * containers pass only {@code args}, never a {@code command} that would bypass it, and their JVM options do not
 * switch the cache off or point elsewhere.
 */
class K8sColdStartTest {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void everyKubechoresContainerStartsFromTheImageEntrypointWithItsAotCache() throws IOException {
        var rendered = new K8sRenderer().render(new ScheduleLoader().load(Path.of("../schedules")));
        List<String> checked = new ArrayList<>();
        for (var e : rendered.entrySet()) {
            for (JsonNode doc : docs(e.getValue())) {
                JsonNode pod = doc.path("kind").asText().equals("CronJob") ? doc.at("/spec/jobTemplate/spec/template/spec")
                        : doc.path("kind").asText().equals("Deployment") ? doc.at("/spec/template/spec") : null;
                if (pod == null) continue;
                for (JsonNode c : pod.path("containers")) {
                    if (!c.path("image").asText().equals("kubechores")) continue;
                    String where = e.getKey() + " " + c.path("name").asText();
                    checked.add(e.getKey());
                    assertThat(c.has("command")).as("%s overrides the image's entrypoint", where).isFalse();
                    assertThat(c.path("args").isEmpty()).as("%s passes the kubechores command as args", where).isFalse();
                    for (JsonNode env : c.path("env")) {
                        if (!env.path("name").asText().matches("JAVA_TOOL_OPTIONS|JDK_JAVA_OPTIONS|_JAVA_OPTIONS")) continue;
                        assertThat(env.path("value").asText()).as("%s JVM options", where)
                                .doesNotContain("-Xshare:off", "-XX:AOTMode=off", "-XX:AOTCache=", "-XX:SharedArchiveFile");
                    }
                }
            }
        }
        assertThat(checked).as("CronJobs and the runner Deployment").contains("runner/runner.yaml")
                .anyMatch(k -> k.startsWith("cronjobs/"));
    }

    private static List<JsonNode> docs(String yaml) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (it.hasNext()) out.add(it.next());
        }
        return out;
    }
}
