package ai.pipeline.shared.api;

import java.util.Map;

/**
 * What an API bean answers when it is not a plain 200 with the JSON envelope: another status
 * ({@code 201}, {@code 202}), or another content (a PNG, a file) with its type and headers. A bean
 * that returns an {@link ApiResponse} answers 200 with it.
 */
public record ApiAnswer(int status, String contentType, Map<String, String> headers, Object body) {

    public static final String JSON = "application/json";

    public static ApiAnswer json(int status, ApiResponse<?> body) {
        return new ApiAnswer(status, JSON, Map.of(), body);
    }

    public static ApiAnswer created(Object data) {
        return json(201, ApiResponse.ok(data));
    }

    public static ApiAnswer accepted(Object data) {
        return json(202, ApiResponse.ok(data));
    }

    /** Any content with its media type: the bytes of an annotated PNG, the stream of a stored file. */
    public static ApiAnswer content(int status, String contentType, Map<String, String> headers, Object body) {
        return new ApiAnswer(status, contentType, headers, body);
    }
}
