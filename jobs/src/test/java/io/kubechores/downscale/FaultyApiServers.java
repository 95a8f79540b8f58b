package io.kubechores.downscale;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Loopback API servers that fail: one answers 500 to everything, one accepts connections and never answers. */
final class FaultyApiServers implements AutoCloseable {
    private final HttpServer failing;
    private final ServerSocket silent;
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    FaultyApiServers() throws IOException {
        failing = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        failing.createContext("/", ex -> {
            byte[] body = ("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                    + "\"message\":\"etcdserver: request timed out\",\"code\":500}").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(500, body.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
        });
        failing.start();
        silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofVirtual().start(() -> {
            while (!silent.isClosed()) {
                try {
                    held.add(silent.accept());
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    KubernetesClient failingClient(int timeoutMillis) {
        return client("http://127.0.0.1:" + failing.getAddress().getPort(), timeoutMillis);
    }

    KubernetesClient silentClient(int timeoutMillis) {
        return client("http://127.0.0.1:" + silent.getLocalPort(), timeoutMillis);
    }

    private static KubernetesClient client(String url, int timeoutMillis) {
        Config c = new ConfigBuilder(Config.empty()).withMasterUrl(url).withRequestTimeout(timeoutMillis)
                .withConnectionTimeout(timeoutMillis).withRequestRetryBackoffLimit(0).build();
        return new KubernetesClientBuilder().withConfig(c).build();
    }

    @Override
    public void close() throws IOException {
        failing.stop(0);
        silent.close();
        for (Socket s : held) s.close();
        acceptor.interrupt();
    }
}
