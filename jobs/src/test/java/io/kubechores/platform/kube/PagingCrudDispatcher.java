package io.kubechores.platform.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * fabric8's CRUD dispatcher ignores limit/continue; a real API server pages. This one answers list requests that
 * carry ?limit= in pages (continue token = offset), like the API server does, and records every list path so tests
 * can see the scanner really paged.
 */
public class PagingCrudDispatcher extends KubernetesCrudDispatcher {
    private static final ObjectMapper JSON = new ObjectMapper();
    public final List<String> listPaths = new CopyOnWriteArrayList<>();

    @Override
    public MockResponse handleGet(String path) {
        if (isSecretList(path) && path.contains("fieldSelector=")) return secretsByType(path);
        return paged(path);
    }

    private static boolean isSecretList(String path) {
        String p = path.indexOf('?') < 0 ? path : path.substring(0, path.indexOf('?'));
        return p.equals("/api/v1/secrets") || p.matches("/api/v1/namespaces/[^/]+/secrets");
    }

    /**
     * Secret field selectors as the API server applies them (Kubernetes docs "Field Selectors": Secret supports
     * type, plus metadata.name / metadata.namespace like every kind; =, ==, != ; comma = AND). The CRUD dispatcher
     * ignores them, so they are applied here on the full list before paging; an unknown field is the API server's
     * 400 ("... is not a known field selector").
     */
    private MockResponse secretsByType(String path) {
        if (path.contains("limit=")) listPaths.add(path);
        int q = path.indexOf('?');
        String selector = null;
        StringBuilder rest = new StringBuilder();
        for (String p : path.substring(q + 1).split("&")) {
            if (p.startsWith("fieldSelector=")) {
                selector = java.net.URLDecoder.decode(p.substring(14), java.nio.charset.StandardCharsets.UTF_8);
            } else {
                rest.append(rest.isEmpty() ? "?" : "&").append(p);
            }
        }
        List<String[]> reqs = new java.util.ArrayList<>();
        for (String r : selector.split(",")) {
            String[] kv = r.contains("!=") ? new String[]{r.substring(0, r.indexOf("!=")), "!=", r.substring(r.indexOf("!=") + 2)}
                    : r.contains("==") ? new String[]{r.substring(0, r.indexOf("==")), "=", r.substring(r.indexOf("==") + 2)}
                    : new String[]{r.substring(0, r.indexOf('=')), "=", r.substring(r.indexOf('=') + 1)};
            if (!List.of("type", "metadata.name", "metadata.namespace").contains(kv[0])) {
                return new MockResponse().setResponseCode(400).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                        + "\"metadata\":{},\"status\":\"Failure\",\"message\":\"\\\"" + kv[0] + "\\\" is not a known"
                        + " field selector: only \\\"metadata.name\\\", \\\"metadata.namespace\\\"\",\"reason\":"
                        + "\"BadRequest\",\"code\":400}");
            }
            reqs.add(kv);
        }
        MockResponse filtered = super.handleGet(path.substring(0, q));
        try {
            ObjectNode list = (ObjectNode) JSON.readTree(filtered.getBody().readUtf8());
            ArrayNode keep = JSON.createArrayNode();
            for (var item : list.get("items")) {
                boolean ok = true;
                for (String[] r : reqs) {
                    String v = switch (r[0]) {
                        case "type" -> item.path("type").asText("");
                        case "metadata.name" -> item.path("metadata").path("name").asText("");
                        default -> item.path("metadata").path("namespace").asText("");
                    };
                    ok &= r[1].equals("=") == v.equals(r[2]);
                }
                if (ok) keep.add(item);
            }
            list.set("items", keep);
            return page(list, rest.toString());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private MockResponse page(ObjectNode list, String query) throws java.io.IOException {
        int limit = Integer.MAX_VALUE;
        int offset = 0;
        for (String p : query.replaceFirst("^\\?", "").split("&")) {
            if (p.startsWith("limit=")) limit = Integer.parseInt(p.substring(6));
            else if (p.startsWith("continue=")) offset = Integer.parseInt(p.substring(9));
        }
        ArrayNode items = (ArrayNode) list.get("items");
        ArrayNode page = JSON.createArrayNode();
        for (int i = offset; i < Math.min(items.size(), (long) offset + limit); i++) page.add(items.get(i));
        list.set("items", page);
        ObjectNode meta = list.has("metadata") ? (ObjectNode) list.get("metadata") : list.putObject("metadata");
        if ((long) offset + limit < items.size()) meta.put("continue", String.valueOf(offset + limit));
        else meta.remove("continue");
        return new MockResponse().setResponseCode(200).setBody(JSON.writeValueAsString(list));
    }

    private MockResponse paged(String path) {
        int q = path.indexOf('?');
        if (q < 0 || !path.contains("limit=")) return super.handleGet(path);
        listPaths.add(path);
        int limit = 0;
        int offset = 0;
        StringBuilder rest = new StringBuilder();
        for (String p : path.substring(q + 1).split("&")) {
            if (p.startsWith("limit=")) limit = Integer.parseInt(p.substring(6));
            else if (p.startsWith("continue=")) offset = Integer.parseInt(p.substring(9));
            else rest.append(rest.isEmpty() ? "?" : "&").append(p);
        }
        MockResponse all = super.handleGet(path.substring(0, q) + rest);
        try {
            ObjectNode list = (ObjectNode) JSON.readTree(all.getBody().readUtf8());
            ArrayNode items = (ArrayNode) list.get("items");
            ArrayNode page = JSON.createArrayNode();
            for (int i = offset; i < Math.min(items.size(), offset + limit); i++) page.add(items.get(i));
            list.set("items", page);
            ObjectNode meta = list.has("metadata") ? (ObjectNode) list.get("metadata") : list.putObject("metadata");
            if (offset + limit < items.size()) meta.put("continue", String.valueOf(offset + limit));
            else meta.remove("continue");
            return new MockResponse().setResponseCode(200).setBody(JSON.writeValueAsString(list));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
