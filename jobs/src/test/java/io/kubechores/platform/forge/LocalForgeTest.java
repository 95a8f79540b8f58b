package io.kubechores.platform.forge;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The local forge's folder format and what a human may do to it. */
class LocalForgeTest {

    @TempDir
    Path dir;
    LocalForge forge() {
        return new LocalForge(dir, Clock.fixed(Instant.parse("2026-11-24T13:00:00Z"), ZoneOffset.UTC));
    }

    @Test
    void idsAreUniqueAcrossTopicsAndASecondOpenPrIsRefused() {
        LocalForge f = forge();
        PullRequest a = f.create("kubechores/rightsize/shop", "main", "a", "body a", List.of("x"), "sha1");
        PullRequest b = f.create("kubechores/promote/loki-prod", "main", "b", "body b", List.of(), "sha2");

        assertThat(a.id()).isEqualTo("1");
        assertThat(b.id()).isEqualTo("2");
        assertThat(dir.resolve("rightsize/shop/pr.json")).exists();
        assertThat(dir.resolve("promote/loki-prod/pr.md")).hasContent("body b");
        assertThatThrownBy(() -> f.create("kubechores/rightsize/shop", "main", "a", "b", List.of(), "s"))
                .isInstanceOf(ForgeClient.AlreadyExistsException.class).hasMessageContaining("#1");
    }

    @Test
    void humansMayWriteTheStateInAnyCase() throws IOException {
        LocalForge f = forge();
        f.create("kubechores/rightsize/shop", "main", "a", "b", List.of(), "s");
        Path json = dir.resolve("rightsize/shop/pr.json");

        Files.writeString(json, Files.readString(json).replace("\"OPEN\"", "\"merged\""));
        assertThat(f.findByBranch("kubechores/rightsize/shop")).singleElement()
                .extracting(PullRequest::state).isEqualTo(PullRequest.State.MERGED);

        Files.writeString(json, Files.readString(json).replace("\"merged\"", "\"done\""));
        assertThatThrownBy(() -> f.findByBranch("kubechores/rightsize/shop"))
                .hasMessageContaining("pr.json").hasMessageContaining("OPEN, CLOSED or MERGED").hasMessageContaining("done");
    }

    @Test
    void updateKeepsHumanLabelsAndAddsOurs() throws IOException {
        LocalForge f = forge();
        PullRequest pr = f.create("kubechores/rightsize/shop", "main", "a", "b", List.of("kubechores"), "s1");
        Path json = dir.resolve("rightsize/shop/pr.json");
        var mapper = com.fasterxml.jackson.databind.json.JsonMapper.builder().build();
        var node = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(json.toFile());
        ((com.fasterxml.jackson.databind.node.ArrayNode) node.get("labels")).add("team-shop");   // a human adds one
        Files.writeString(json, mapper.writeValueAsString(node));

        PullRequest updated = f.update(f.findByBranch(pr.branch()).getFirst(), null, "new body", List.of("rightsize"),
                "s2");

        assertThat(updated.labels()).containsExactly("kubechores", "team-shop", "rightsize");
        assertThat(updated.title()).isEqualTo("a");
        assertThat(updated.body()).isEqualTo("new body");
        assertThat(updated.headSha()).isEqualTo("s2");
    }

    @Test
    void branchesCannotEscapeTheFolder() {
        assertThatThrownBy(() -> forge().folderOf("kubechores/../../etc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> forge().folderOf("kubechores/")).isInstanceOf(IllegalArgumentException.class);
    }
}
