package io.kubechores.platform.forge;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class TopicMarkerTest {

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            // body as the forge returns it                                    | job       | topic
            "text\\n\\n<!-- kubechores:topic=rightsize/shop -->\\n                | rightsize | shop",
            "<!-- kubechores:topic=promote/loki-prod -->                          | promote   | loki-prod",
            "edited by a human\\r\\n<!-- kubechores:topic=rightsize/team.a_1 -->\\r\\n | rightsize | team.a_1",
            "quoted <!-- kubechores:topic=x/y --> then <!-- kubechores:topic=rightsize/z --> | rightsize | z",
            "no marker at all                                                     |           |",
            "<!-- kubechores:topic=rightsize -->                                  |           |",
            "<!-- kubechores:topic=Rightsize/shop -->                             |           |",
    })
    void readsTheMarker(String body, String job, String topic) {
        String b = body.replace("\\n", "\n").replace("\\r", "\r");
        var read = TopicMarker.read(b);
        if (job == null) {
            assertThat(read).isEmpty();
        } else {
            assertThat(read).contains(new TopicMarker.Topic(job, topic));
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
            "table                                                     | table\\n\\n<!-- kubechores:topic=rightsize/shop -->\\n",
            "'  '                                                      | <!-- kubechores:topic=rightsize/shop -->\\n",
            "old <!-- kubechores:topic=rightsize/other --> text\\n     | old  text\\n\\n<!-- kubechores:topic=rightsize/shop -->\\n",
    })
    void addsExactlyOneMarkerAtTheEnd(String body, String expected) {
        assertThat(TopicMarker.withMarker(body.replace("\\n", "\n"), "rightsize", "shop"))
                .isEqualTo(expected.replace("\\n", "\n"));
    }

    @ParameterizedTest(name = "[{index}] {0} vs {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "a\\nb\\n     | a\\r\\nb       | true",
            "a\\nb        | a\\nb\\n\\n    | true",
            "a\\nb        | a\\nc          | false",
            "a  b         | a b            | false",
    })
    void comparesBodiesAsForgesStoreThem(String a, String b, boolean same) {
        assertThat(TopicMarker.sameBody(a.replace("\\n", "\n").replace("\\r", "\r"),
                b.replace("\\n", "\n").replace("\\r", "\r"))).isEqualTo(same);
    }
}
