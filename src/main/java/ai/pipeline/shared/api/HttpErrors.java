package ai.pipeline.shared.api;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The error envelope for failures no handler of ours saw: those the servlet container answers
 * itself (a request line, URL or header it refuses) and those Spring MVC forwards to {@code /error}.
 * The message is ours, chosen by status, never the container's or an exception's text (which can
 * name internal classes). Written by hand: the container's valve has no JSON mapper.
 */
public final class HttpErrors {

    private HttpErrors() {
    }

    /** What the answer says for a status; a header section over the limit is 431, whatever the container chose. */
    public static ApiErrors.Failure forStatus(int status, boolean headersTooLarge) {
        if (headersTooLarge) {
            return new ApiErrors.Failure(431, "headers_too_large",
                    "the request line and headers are larger than the server accepts");
        }
        return switch (status) {
            case 400 -> new ApiErrors.Failure(400, "invalid_input",
                    "malformed HTTP request: the request line, the URL (an encoded NUL, an invalid escape) or a header is not valid");
            case 401 -> new ApiErrors.Failure(401, "unauthorized", "missing or unknown API key");
            case 404 -> new ApiErrors.Failure(404, "not_found", "no such endpoint");
            case 405 -> new ApiErrors.Failure(405, "method_not_allowed", "this endpoint does not take that method");
            case 406 -> new ApiErrors.Failure(406, "not_acceptable", "the API answers application/json (files: their own type)");
            case 408 -> new ApiErrors.Failure(408, "timeout", "the request was not received in time");
            case 413 -> new ApiErrors.Failure(413, "too_large", "the request is larger than the server accepts");
            case 414 -> new ApiErrors.Failure(414, "uri_too_long", "the request's URL is longer than the server accepts");
            case 415 -> new ApiErrors.Failure(415, "unsupported_media_type", "content type not supported by this endpoint");
            case 431 -> new ApiErrors.Failure(431, "headers_too_large",
                    "the request line and headers are larger than the server accepts");
            case 503 -> new ApiErrors.Failure(503, "unavailable", "unavailable; try again later");
            default -> status >= 500
                    ? new ApiErrors.Failure(status, "internal_error", "internal error; see the server log")
                    : new ApiErrors.Failure(status, "invalid_input", "the request was refused (HTTP " + status + ")");
        };
    }

    /** The envelope as JSON text; the messages are our fixed texts, so only quotes and backslashes need escaping. */
    public static String json(ApiErrors.Failure failure) {
        return "{\"success\":false,\"error\":{\"code\":\"" + escape(failure.code()) + "\",\"message\":\""
                + escape(failure.message()) + "\"},\"timestamp\":\"" + Instant.now() + "\"}";
    }

    /** Answers {@code failure} in the envelope, written directly: a client that accepts only HTML still gets JSON. */
    public static void write(HttpServletResponse response, ApiErrors.Failure failure) throws IOException {
        response.setStatus(failure.status());
        response.setContentType(ApiAnswer.JSON);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write(json(failure));
    }

    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
