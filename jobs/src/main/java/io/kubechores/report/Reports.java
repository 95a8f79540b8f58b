package io.kubechores.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import freemarker.template.Configuration;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import io.kubechores.core.Action;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Freemarker rendering of plans and reports. Templates live in src/main/resources/templates:
 * console/*.ftl (plain text), markdown/*.ftl (PR bodies), html/*.ftl (reports). JSON is written with Jackson.
 */
public final class Reports {
    private static final Configuration FREEMARKER = configure();
    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private Reports() {}

    private static Configuration configure() {
        Configuration c = new Configuration(Configuration.VERSION_2_3_33);
        c.setClassLoaderForTemplateLoading(Reports.class.getClassLoader(), "templates");
        c.setDefaultEncoding("UTF-8");
        c.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
        c.setLogTemplateExceptions(false);
        c.setWrapUncheckedExceptions(true);
        c.setFallbackOnNullLoopVariable(false);
        c.setNumberFormat("computer");
        return c;
    }

    /** Renders templates/&lt;name&gt; (e.g. "html/certs-report.ftl") with the model. */
    public static String render(String name, Map<String, ?> model) {
        try {
            Template t = FREEMARKER.getTemplate(name);
            StringWriter w = new StringWriter();
            t.process(model, w);
            return w.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("template " + name, e);
        } catch (TemplateException e) {
            throw new IllegalStateException("template " + name + ": " + e.getMessageWithoutStackTop(), e);
        }
    }

    /** The plan as a console table, one row per action, sorted by target (templates/console/actions.ftl). */
    public static String actionsTable(String title, List<Action> actions) {
        List<Action> sorted = new ArrayList<>(actions);
        sorted.sort(Comparator.comparing(Action::target).thenComparing(Action::verb));
        int wTarget = Math.max(6, sorted.stream().mapToInt(a -> a.target().length()).max().orElse(0));
        int wVerb = Math.max(6, sorted.stream().mapToInt(a -> a.verb().length()).max().orElse(0));
        int wDetail = Math.max(6, sorted.stream().mapToInt(a -> nz(a.detail()).length()).max().orElse(0));
        Map<String, Object> model = new HashMap<>();
        model.put("title", title);
        model.put("actions", sorted);
        model.put("wTarget", wTarget);
        model.put("wVerb", wVerb);
        model.put("wDetail", Math.min(wDetail, 60));
        return render("console/actions.ftl", model);
    }

    private static final ObjectMapper JSON_LINE = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    /** Compact single-line JSON (JSON lines files, logs). */
    public static String jsonLine(Object value) {
        try {
            return JSON_LINE.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One JSON object line back into a map (reading JSON lines files such as the audit trail). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseJsonLine(String line) {
        if (line == null || line.isBlank()) return null;
        try {
            return JSON_LINE.readValue(line, Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The top-level scalar fields {@code names} of one JSON line, read with Jackson's streaming parser (nested values
     * skipped, no map built): for scans of many lines that need a few keys of each (the audit trail's open intents).
     * Missing or non-scalar fields are absent; a torn line throws UncheckedIOException.
     */
    public static Map<String, String> jsonLineFields(String line, java.util.Set<String> names) {
        Map<String, String> out = new java.util.HashMap<>();
        if (line == null || line.isBlank()) return out;
        try (com.fasterxml.jackson.core.JsonParser p = JSON_LINE.getFactory().createParser(line)) {
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) return out;
            for (var t = p.nextToken(); t == com.fasterxml.jackson.core.JsonToken.FIELD_NAME; t = p.nextToken()) {
                String name = p.currentName();
                var v = p.nextToken();
                if (v.isStructStart()) p.skipChildren();
                else if (names.contains(name) && v != com.fasterxml.jackson.core.JsonToken.VALUE_NULL) out.put(name, p.getText());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Indented JSON (reports). */
    public static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes content to dir/name (creating dir) and returns the path. */
    public static Path write(Path dir, String name, String content) {
        try {
            Files.createDirectories(dir);
            Path p = dir.resolve(name);
            Files.writeString(p, content, StandardCharsets.UTF_8);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
