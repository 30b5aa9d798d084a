package ai.pipeline.reliability.fuzz;

import ai.pipeline.testsupport.ApiClient;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * Sends hostile requests and judges every answer by the suite's rules: never a 5xx, a 4xx always
 * the error envelope with a message, and always an answer. Violations are collected (with the
 * request's description and the answer's body) rather than thrown, so one run lists them all;
 * chain ids of runs that hostile requests started are kept for the stuck-pipeline check.
 */
public final class Probe {

    private static final int MAX_SHOWN = 600;

    private final ApiClient api;
    private final List<String> violations = new ArrayList<>();
    private final List<String> connectorRejections = new ArrayList<>();
    private final Set<String> started = new LinkedHashSet<>();
    private int requests;

    public Probe(ApiClient api) {
        this.api = api;
    }

    public ApiClient api() {
        return api;
    }

    /** Sends one request and checks its answer; returns it (null when there was none). */
    public ApiClient.Response send(String description, Supplier<ApiClient.Response> request) {
        requests++;
        ApiClient.Response response;
        try {
            response = request.get();
        } catch (UncheckedIOException e) {
            violations.add(description + " → no answer: " + e.getCause());
            return null;
        }
        check(description, response);
        return response;
    }

    /**
     * An upload over the size limit: Tomcat answers 413 and then closes the connection without
     * reading the rest of the body, which Java's HTTP client reports as a broken exchange (curl shows
     * the 413 envelope). Either is fine; any other answer is checked as usual.
     */
    public void sendOverLimit(String description, Supplier<ApiClient.Response> request) {
        requests++;
        try {
            ApiClient.Response response = request.get();
            if (response.status() != 413) {
                violations.add(description + " → " + response.status() + ", expected 413: " + shorten(response.body()));
            }
            check(description, response);
        } catch (UncheckedIOException closedAfterAnswering) {
            connectorRejections.add(description + " → connection closed by the server: " + closedAfterAnswering.getCause());
        }
    }

    private void check(String description, ApiClient.Response response) {
        int status = response.status();
        if (status == 400 && response.body().startsWith("<!doctype html>") && response.body().contains("HTTP Status 400")) {
            // refused by Tomcat's HTTP parser (an encoded NUL in the path, an 8 KB+ request line) before any application code
            connectorRejections.add(description + " → 400 from the HTTP connector");
            return;
        }
        if (status >= 500) {
            violations.add(description + " → " + status + ": " + shorten(response.body()));
            return;
        }
        if (status >= 400) {
            JsonNode json = tryJson(response.body());
            String message = json == null ? "" : json.path("error").path("message").asString("");
            if (json == null || json.path("success").asBoolean(true) || message.isBlank()) {
                violations.add(description + " → " + status + " without the error envelope: " + shorten(response.body()));
            }
            return;
        }
        JsonNode json = tryJson(response.body());
        if (json != null) {
            String chainId = json.path("data").path("chain_id").asString("");
            if (!chainId.isEmpty()) {
                started.add(chainId);
            }
        }
    }

    public List<String> violations() {
        return violations;
    }

    /** Requests the HTTP connector refused before the application saw them: reported, not failures. */
    public List<String> connectorRejections() {
        return connectorRejections;
    }

    public Set<String> started() {
        return started;
    }

    public int requests() {
        return requests;
    }

    private static JsonNode tryJson(String body) {
        try {
            JsonNode node = new ApiClient.Response(200, body).json();
            return node != null && node.isObject() ? node : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    static String shorten(String text) {
        String clean = text == null ? "" : text.replace('\0', '?');
        return clean.length() <= MAX_SHOWN ? clean : clean.substring(0, MAX_SHOWN) + "… (" + clean.length() + " chars)";
    }
}
