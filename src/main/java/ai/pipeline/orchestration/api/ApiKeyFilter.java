package ai.pipeline.orchestration.api;

import ai.pipeline.shared.api.ApiErrors;
import ai.pipeline.shared.api.HttpErrors;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * With {@code app.security.api-keys} set, every {@code /api/**} call must carry one of the keys in
 * {@code X-API-Key}; otherwise it is answered 401 in the error envelope before any controller runs.
 * Keys are compared in constant time. Health, metrics and the OpenAPI document stay open (the filter
 * is registered for {@code /api/*} only).
 */
class ApiKeyFilter extends OncePerRequestFilter {

    static final String HEADER = "X-API-Key";

    private final List<byte[]> keys;

    /** No keys: the check is off and every call passes. */
    ApiKeyFilter(List<String> keys) {
        this.keys = keys.stream().map(String::trim).filter(k -> !k.isEmpty())
                .map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return keys.isEmpty();
    }

    /** The keys of a comma-separated list ({@code APP_SECURITY_API_KEYS=k1,k2}); blanks are ignored. */
    static List<String> parse(String keys) {
        return keys == null ? List.of() : Arrays.stream(keys.split(",")).map(String::trim).filter(k -> !k.isEmpty()).toList();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String given = request.getHeader(HEADER);
        if (given != null && known(given.trim().getBytes(StandardCharsets.UTF_8))) {
            chain.doFilter(request, response);
            return;
        }
        String message = given == null ? "missing API key: send one in the " + HEADER + " header" : "unknown API key";
        HttpErrors.write(response, new ApiErrors.Failure(401, "unauthorized", message));
    }

    /** Checks every key without stopping early, so the time taken does not tell how close a guess was. */
    private boolean known(byte[] given) {
        boolean found = false;
        for (byte[] key : keys) {
            found |= MessageDigest.isEqual(key, given);
        }
        return found;
    }
}
