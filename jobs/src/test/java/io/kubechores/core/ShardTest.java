package io.kubechores.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** --shard INDEX/COUNT: the COUNT shards of any fleet cover every cluster exactly once, balanced and stable. */
class ShardTest {

    @Test
    void shardsCoverEveryClusterExactlyOnceForManyFleetSizesAndCounts() {
        Random random = new Random(42);
        for (int fleet = 0; fleet <= 160; fleet++) {
            List<String> clusters = IntStream.range(0, fleet)
                    .mapToObj(i -> (i % 2 == 0 ? "prod-" : "staging-") + Integer.toString(random.nextInt(1 << 20), 36) + "-" + i)
                    .toList();
            for (int count = 1; count <= 12; count++) {
                Map<String, Integer> seen = new HashMap<>();
                List<Integer> sizes = new ArrayList<>();
                for (int index = 0; index < count; index++) {
                    List<String> mine = new Shard(index, count).select(clusters);
                    sizes.add(mine.size());
                    mine.forEach(c -> seen.merge(c, 1, Integer::sum));
                }
                String what = fleet + " clusters in " + count + " shards";
                assertThat(seen.keySet()).as(what).containsExactlyInAnyOrderElementsOf(clusters);
                assertThat(seen.values()).as(what + ": each once").allMatch(n -> n == 1);
                assertThat(Collections.max(sizes) - Collections.min(sizes)).as(what + ": balanced " + sizes).isLessThanOrEqualTo(1);
            }
        }
    }

    @Test
    void theAssignmentDependsOnTheClusterNamesNotOnTheirOrder() {
        List<String> clusters = new ArrayList<>(IntStream.range(0, 40).mapToObj(i -> "c" + i).toList());
        List<List<String>> before = IntStream.range(0, 3).mapToObj(i -> new Shard(i, 3).select(clusters)).toList();
        Collections.shuffle(clusters, new Random(7));
        List<List<String>> after = IntStream.range(0, 3).mapToObj(i -> new Shard(i, 3).select(clusters)).toList();
        assertThat(after).isEqualTo(before);
        assertThat(new Shard(1, 3).select(List.of("b", "a", "d", "c"))).containsExactly("b");
        assertThat(new Shard(0, 3).select(List.of("b", "a", "d", "c"))).containsExactly("a", "d");
    }

    @Test
    void moreShardsThanClustersLeavesSomeShardsEmpty() {
        assertThat(new Shard(3, 5).select(List.of("a", "b", "c"))).isEmpty();
        assertThat(new Shard(0, 5).select(List.of())).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            0/1  | 0 | 1
            3/4  | 3 | 4
            ' 2/10 ' | 2 | 10
            """)
    void parsesIndexSlashCount(String text, int index, int count) {
        assertThat(Shard.parse(text)).isEqualTo(new Shard(index, count));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            4/4   | --shard 4/4: need 0 <= INDEX < COUNT (shards of 4 are numbered 0 to 3)
            5/2   | --shard 5/2: need 0 <= INDEX < COUNT (shards of 2 are numbered 0 to 1)
            0/0   | --shard 0/0: COUNT must be at least 1
            -1/2  | --shard: expected INDEX/COUNT such as 0/4, got '-1/2'
            1     | --shard: expected INDEX/COUNT such as 0/4, got '1'
            a/b   | --shard: expected INDEX/COUNT such as 0/4, got 'a/b'
            1/2/3 | --shard: expected INDEX/COUNT such as 0/4, got '1/2/3'
            """)
    void rejectsAnythingElseWithAMessageForTheUser(String text, String message) {
        assertThatThrownBy(() -> Shard.parse(text)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }
}
