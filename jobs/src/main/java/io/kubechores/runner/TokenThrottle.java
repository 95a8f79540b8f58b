package io.kubechores.runner;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rate limit on wrong runner tokens (issue 23: 200 guesses in 13 s were answered): at most
 * {@code kubechores.runner.token-failures-per-minute} (default 5) wrong tokens per client address in any minute, and
 * four times that from all clients together (guessing from many addresses); past it every token check answers 429
 * with Retry-After until the oldest failure is a minute old. Correct tokens are never counted. Sliding window,
 * in memory (per runner).
 */
@Component
@Profile("serve")
public class TokenThrottle {
    static final long WINDOW_MILLIS = 60_000;
    private static final String ALL = "*";
    private final int perClient;
    private final Map<String, Deque<Long>> failures = new ConcurrentHashMap<>();

    public TokenThrottle(@Value("${kubechores.runner.token-failures-per-minute:5}") int perClient) {
        this.perClient = Math.max(1, perClient);
    }

    /** Seconds to wait before this client's token is checked again (0: go ahead). */
    public long retryAfterSeconds(String client) {
        long now = System.currentTimeMillis();
        long a = wait(client, perClient, now);
        long b = wait(ALL, perClient * 4, now);
        return Math.max(a, b);
    }

    public void failed(String client) {
        long now = System.currentTimeMillis();
        for (String k : new String[] {client, ALL}) {
            Deque<Long> d = failures.computeIfAbsent(k, x -> new ArrayDeque<>());
            synchronized (d) {
                d.addLast(now);
                while (d.size() > perClient * 4) d.removeFirst();
            }
        }
    }

    private long wait(String key, int max, long now) {
        Deque<Long> d = failures.get(key);
        if (d == null) return 0;
        synchronized (d) {
            while (!d.isEmpty() && d.peekFirst() <= now - WINDOW_MILLIS) d.removeFirst();
            if (d.size() < max) return 0;
            Long oldest = d.toArray(new Long[0])[d.size() - max];
            return Math.max(1, (oldest + WINDOW_MILLIS - now + 999) / 1000);
        }
    }
}
