package io.kubechores.runner;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Profile;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The runner's web front door (issue 23), in front of every page, report, API and actuator endpoint:
 * <ul>
 *   <li>security headers on every answer: a Content-Security-Policy without scripts ({@code default-src 'none'},
 *       inline styles only, forms only to this origin, {@code frame-ancestors 'none'} so the Run-now form cannot be
 *       framed for clickjacking), {@code X-Frame-Options: DENY} for older browsers, {@code X-Content-Type-Options:
 *       nosniff} (reports are served with their own content types), {@code Referrer-Policy: same-origin}
 *       (OWASP Secure Headers Project; MDN "Content-Security-Policy: frame-ancestors");</li>
 *   <li>the runner token is never accepted in a URL (query strings end up in access logs, proxies and browser
 *       history): a request carrying {@code token=} in its query string is refused with 400;</li>
 *   <li>with {@code kubechores.runner.require-token-for-reading=true} every page, report, API and metrics request
 *       needs {@code Authorization: Bearer <token>} too (Prometheus: {@code authorization.credentials} in the
 *       scrape config); only {@code /actuator/health/**} stays open for the kubelet's probes. For people in a
 *       browser, put the runner behind oauth2-proxy instead (README).</li>
 * </ul>
 * Wrong tokens are rate-limited where they are checked ({@link TokenThrottle}).
 */
@Component
@Profile("serve")
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RunnerWebSecurity extends OncePerRequestFilter {
    private static final Logger log = LoggerFactory.getLogger(RunnerWebSecurity.class);
    static final String CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
            + "script-src " + PageScripts.LOCAL_TIME_HASH + "; frame-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    /**
     * A run's report files may be framed by the runner's own run page (which embeds the report); they carry no form,
     * so framing them by the same origin gives no clickjacking target. Everything else stays unframeable.
     */
    static final String CSP_REPORT = CSP.replace("frame-ancestors 'none'", "frame-ancestors 'self'");
    private static final java.util.regex.Pattern REPORT = java.util.regex.Pattern.compile("/runs/\\d+/artifacts/\\d+");

    private final byte[] token;
    private final boolean requireTokenForReading;
    private final TokenThrottle throttle;

    public RunnerWebSecurity(@Value("${kubechores.runner.token:}") String token,
                             @Value("${kubechores.runner.require-token-for-reading:false}") boolean requireTokenForReading,
                             TokenThrottle throttle) {
        this.token = token.isBlank() ? null : token.strip().getBytes(StandardCharsets.UTF_8);
        this.requireTokenForReading = requireTokenForReading;
        this.throttle = throttle;
        if (requireTokenForReading && this.token == null) {
            throw new IllegalStateException("kubechores.runner.require-token-for-reading=true needs kubechores.runner.token"
                    + " (KUBECHORES_RUNNER_TOKEN)");
        }
    }

    @Override
    protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws ServletException, IOException {
        boolean report = REPORT.matcher(req.getRequestURI()).matches();
        res.setHeader("Content-Security-Policy", report ? CSP_REPORT : CSP);
        res.setHeader("X-Frame-Options", report ? "SAMEORIGIN" : "DENY");
        res.setHeader("X-Content-Type-Options", "nosniff");
        // same-origin, not no-referrer: under no-referrer Chromium sends "Origin: null" with the page's own form posts,
        // which the CSRF check must refuse (StatusPageIT); cross-origin requests still get no referrer
        res.setHeader("Referrer-Policy", "same-origin");
        String query = req.getQueryString();
        if (query != null && (query.startsWith("token=") || query.contains("&token="))) {
            log.warn("refused a request with the runner token in its URL from {}", req.getRemoteAddr());
            plain(res, HttpServletResponse.SC_BAD_REQUEST, "the runner token goes in the POST body or an"
                    + " Authorization: Bearer header, never in the URL (it would end up in logs and browser history)");
            return;
        }
        String path = req.getRequestURI();
        boolean open = path.equals("/actuator/health") || path.startsWith("/actuator/health/");
        boolean trigger = "POST".equals(req.getMethod()) && path.startsWith("/jobs/"); // checked by StatusController
        if (requireTokenForReading && !open && !trigger) {
            String client = req.getRemoteAddr();
            long wait = throttle.retryAfterSeconds(client);
            if (wait > 0) {
                res.setHeader("Retry-After", Long.toString(wait));
                plain(res, 429, "too many wrong runner tokens; retry in " + wait + " s");
                return;
            }
            String auth = req.getHeader("Authorization");
            String given = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).strip() : "";
            if (!MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8))) {
                throttle.failed(client);
                res.setHeader("WWW-Authenticate", "Bearer realm=\"kubechores\"");
                plain(res, HttpServletResponse.SC_UNAUTHORIZED, "this runner requires its token for reading");
                return;
            }
        }
        chain.doFilter(req, res);
    }

    private static void plain(HttpServletResponse res, int status, String body) throws IOException {
        res.setStatus(status);
        res.setContentType("text/plain;charset=UTF-8");
        res.getWriter().write(body);
    }
}
