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
