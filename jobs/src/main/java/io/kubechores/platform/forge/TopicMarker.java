package io.kubechores.platform.forge;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hidden marker identifying a bot PR's topic (DESIGN §4): {@code <!-- kubechores:topic=<job>/<topic> -->}, on the
 * last line of the body. Markdown renderers hide it; the service finds PRs by branch AND marker.
 */
public final class TopicMarker {

    private static final Pattern MARKER = Pattern.compile("<!-- kubechores:topic=([a-z0-9][a-z0-9-]*)/(\\S+) -->");

    private TopicMarker() {
    }

    /** job + topic read back from a body */
    public record Topic(String job, String topic) {
    }

    public static String marker(String job, String topic) {
        return "<!-- kubechores:topic=" + job + "/" + topic + " -->";
    }

    /** The body as sent to the forge: the request body (without any marker it already had) + the marker. */
    public static String withMarker(String body, String job, String topic) {
        String b = body == null ? "" : MARKER.matcher(normalise(body)).replaceAll("").strip();
        return (b.isEmpty() ? "" : b + "\n\n") + marker(job, topic) + "\n";
    }

    public static Optional<Topic> read(String body) {
        if (body == null) {
            return Optional.empty();
        }
        Matcher m = MARKER.matcher(body);
        Topic found = null;
        while (m.find()) {
            found = new Topic(m.group(1), m.group(2));
        }
        return Optional.ofNullable(found);
    }

    /** Bodies compared the way forges store them: CRLF from web editors and trailing blanks do not count. */
    public static boolean sameBody(String a, String b) {
        return normalise(a == null ? "" : a).strip().equals(normalise(b == null ? "" : b).strip());
    }

    private static String normalise(String s) {
        return s.replace("\r\n", "\n").replace('\r', '\n');
    }
}
