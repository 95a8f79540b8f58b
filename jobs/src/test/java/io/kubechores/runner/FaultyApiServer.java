package io.kubechores.runner;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Loopback Kubernetes API servers that are slow rather than down (issue 23):
 * {@link #trickling()} answers every request with 200 and headers at once, then sends its JSON body at 1 byte/s
 * (fabric8's idle timeout never fires: a byte arrives every second); {@link #slow} forwards every request to a real
 * simulated API server after a fixed delay (2 s per request in the issue).
 */
final class FaultyApiServer implements AutoCloseable {
    private final AutoCloseable closer;
    private final String url;
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger patches = new AtomicInteger();

    private FaultyApiServer(String url, AutoCloseable closer) {
        this.url = url;
        this.closer = closer;
    }

    String url() {
        return url;
    }

    static FaultyApiServer trickling() throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        List<Socket> open = new CopyOnWriteArrayList<>();
        FaultyApiServer[] self = new FaultyApiServer[1];
        Thread acceptor = Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                Socket s;
                try {
                    s = server.accept();
                } catch (IOException e) {
                    return;
                }
                open.add(s);
                Thread.ofVirtual().start(() -> trickle(s, self[0]));
            }
        });
        self[0] = new FaultyApiServer("http://127.0.0.1:" + server.getLocalPort(), () -> {
            server.close();
            for (Socket s : open) s.close();
            acceptor.interrupt();
        });
        return self[0];
    }

    private static void trickle(Socket s, FaultyApiServer self) {
        try (s) {
            InputStream in = s.getInputStream();
            // read the request head (a GET/LIST has no body)
            int state = 0;
            while (state < 4) {
                int b = in.read();
                if (b < 0) return;
                state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
            }
            self.requests.incrementAndGet();
            OutputStream out = s.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            while (true) {
                Thread.sleep(1000);
                out.write(' ');
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // the client gave up: what we want
        }
    }

    static FaultyApiServer slow(String upstream, Duration delay) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        String base = upstream.endsWith("/") ? upstream.substring(0, upstream.length() - 1) : upstream;
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        FaultyApiServer[] self = new FaultyApiServer[1];
        server.createContext("/", ex -> {
            self[0].requests.incrementAndGet();
            if ("PATCH".equals(ex.getRequestMethod())) self[0].patches.incrementAndGet();
            try {
                byte[] body = ex.getRequestBody().readAllBytes();
                Thread.sleep(delay.toMillis());
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + ex.getRequestURI()))
                        .method(ex.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
                String ct = ex.getRequestHeaders().getFirst("Content-Type");
                if (ct != null) b.header("Content-Type", ct);
                HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
                r.headers().firstValue("Content-Type").ifPresent(v -> ex.getResponseHeaders().add("Content-Type", v));
                ex.sendResponseHeaders(r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(r.body());
                }
            } catch (InterruptedException e) {
                ex.close();
            } catch (IOException e) {
                ex.close();
            }
        });
        server.start();
        self[0] = new FaultyApiServer("http://127.0.0.1:" + server.getAddress().getPort(), () -> server.stop(0));
        return self[0];
    }

    @Override
    public void close() throws Exception {
        closer.close();
    }
}
