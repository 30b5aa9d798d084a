package ai.pipeline.orchestration.api;

import ai.pipeline.shared.api.ApiErrors;
import ai.pipeline.shared.api.HttpErrors;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Any number of API instances, one engine: a call that needs the engine reaching an instance that
 * does not hold the orchestrator lease is sent on, as it came (method, path, query, headers, body),
 * to the instance that does, and the holder's answer is returned as it came. The calls that need the
 * engine are the POSTs and DELETEs under {@code /api/v1/pipelines/} (starts, reruns, retries,
 * revokes, cancels, deletes) and {@code POST /api/v1/workflows}; the reads stay here (they read SQL).
 *
 * <p>A call is forwarded once at most: the forwarded one carries {@link #FORWARDED_BY}, and an
 * instance that gets such a call handles it itself, so one that lost the lease meanwhile answers 503
 * as before rather than sending the call round. The body is streamed, never held here: the holder
 * applies the size limits as it does to calls it gets directly.
 */
class EngineCallForwarding extends OncePerRequestFilter {

    static final String FORWARDED_BY = "X-Forwarded-By-Instance";
    private static final Logger log = LoggerFactory.getLogger(EngineCallForwarding.class);
    /** Hop-by-hop headers and those the HTTP client sets itself: not copied either way. */
    private static final Set<String> NOT_COPIED = Set.of("connection", "content-length", "expect", "host", "upgrade",
            "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "http2-settings");
    /** The holder runs in the same cluster: one that does not accept a connection at once is gone. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    private final BooleanSupplier holding;
    private final Supplier<Optional<URI>> holderUrl;
    private final String instance;
    private final Duration timeout;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();

    /**
     * @param holding   whether this instance holds the lease now
     * @param holderUrl where the holder answers, while one holds the lease
     * @param instance  this instance's name, sent in {@link #FORWARDED_BY}
     * @param timeout   how long to wait for the holder's answer, the body's upload included
     */
    EngineCallForwarding(BooleanSupplier holding, Supplier<Optional<URI>> holderUrl, String instance, Duration timeout) {
        this.holding = holding;
        this.holderUrl = holderUrl;
        this.instance = instance;
        this.timeout = timeout;
    }

    /** Whether a call ends up in the engine (so only the lease's holder can answer it). */
    static boolean needsEngine(String method, String path) {
        return switch (method) {
            case "POST" -> path.startsWith("/api/v1/pipelines/") || path.equals("/api/v1/workflows");
            case "DELETE" -> path.startsWith("/api/v1/pipelines/");
            default -> false;
        };
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return holding.getAsBoolean() || request.getHeader(FORWARDED_BY) != null
                || !needsEngine(request.getMethod(), request.getRequestURI().substring(request.getContextPath().length()));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<URI> holder = holderUrl.get();
        if (holder.isEmpty()) {
            HttpErrors.write(response, new ApiErrors.Failure(503, "unavailable", "no instance runs the orchestrator now"
                    + " (a standing-by instance takes it over within seconds); try again"));
            return;
        }
        HttpResponse<InputStream> answer;
        try {
            answer = http.send(forwarded(request, holder.get()), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            log.warn("Could not forward {} {} to the orchestrator at {}: {}", request.getMethod(), request.getRequestURI(),
                    holder.get(), e.toString());
            HttpErrors.write(response, new ApiErrors.Failure(503, "unavailable",
                    "the instance that runs the orchestrator did not answer; try again"));
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            HttpErrors.write(response, new ApiErrors.Failure(503, "unavailable", "interrupted while forwarding the call"));
            return;
        }
        response.setStatus(answer.statusCode());
        answer.headers().map().forEach((name, values) -> {
            if (copied(name)) {
                values.forEach(value -> response.addHeader(name, value));
            }
        });
        try (InputStream body = answer.body()) {
            body.transferTo(response.getOutputStream());
        }
    }

    private HttpRequest forwarded(HttpServletRequest request, URI holder) throws IOException {
        String query = request.getQueryString();
        URI target = URI.create(holder.toString().replaceAll("/+$", "") + request.getRequestURI()
                + (query == null ? "" : "?" + query));
        HttpRequest.Builder forward = HttpRequest.newBuilder(target).timeout(timeout)
                .method(request.getMethod(), body(request));
        for (String name : Collections.list(request.getHeaderNames())) {
            if (copied(name)) {
                Collections.list(request.getHeaders(name)).forEach(value -> forward.header(name, value));
            }
        }
        return forward.header(FORWARDED_BY, instance).build();
    }

    /** The request's body, streamed as it arrives; its length kept when the client gave it. */
    private static HttpRequest.BodyPublisher body(HttpServletRequest request) throws IOException {
        long length = request.getContentLengthLong();
        if (length == 0 || (length < 0 && request.getHeader("Transfer-Encoding") == null)) {
            return HttpRequest.BodyPublishers.noBody();
        }
        InputStream in = request.getInputStream();
        HttpRequest.BodyPublisher stream = HttpRequest.BodyPublishers.ofInputStream(() -> in);
        return length > 0 ? HttpRequest.BodyPublishers.fromPublisher(stream, length) : stream;
    }

    private static boolean copied(String header) {
        return !NOT_COPIED.contains(header.toLowerCase(Locale.ROOT)) && !header.equalsIgnoreCase(FORWARDED_BY);
    }
}
