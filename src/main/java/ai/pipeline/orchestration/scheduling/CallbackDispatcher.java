package ai.pipeline.orchestration.scheduling;

import ai.pipeline.orchestration.api.RunRecords;
import ai.pipeline.shared.task.TaskFailure;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Delivers completion callbacks (lease holder only, from the {@code orchestration-callbacks} timer):
 * for each run that asked for one and whose end is stored, a POST of its record (what {@code GET
 * /api/v1/pipelines/{chain_id}} answers in {@code data}) signed {@code X-Signature: sha256=<hex
 * HMAC-SHA256 of the body>} with {@code app.callbacks.secret}. A 2xx answer delivers it; anything
 * else is retried after {@code first-backoff}, doubling up to {@code max-backoff}, at most
 * {@code max-attempts} times. Every attempt is recorded. The state is in the database, so a delivery
 * pending when an instance stops is taken up by the next holder; a receiver may see a callback twice
 * if an instance stops between its answer and the record of it ({@code X-Chain-Id} tells them apart).
 * Redirects are not followed (a redirect could lead past {@code app.callbacks.allowed-hosts}).
 */
@Component
class CallbackDispatcher {

    private static final Logger log = LoggerFactory.getLogger(CallbackDispatcher.class);
    private static final int BATCH = 20;
    static final String SIGNATURE = "X-Signature";

    private final RunCallbacks callbacks;
    private final RunRecords records;
    private final CallbackProperties properties;
    private final JsonMapper json;
    private final HttpClient client;

    CallbackDispatcher(RunCallbacks callbacks, RunRecords records, CallbackProperties properties, JsonMapper json) {
        this.callbacks = callbacks;
        this.records = records;
        this.properties = properties;
        this.json = json;
        this.client = HttpClient.newBuilder().connectTimeout(properties.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    void deliverDue() {
        for (RunCallbacks.Due due : callbacks.due(Instant.now(), BATCH)) {
            deliver(due);
        }
    }

    private void deliver(RunCallbacks.Due due) {
        byte[] body;
        try {
            body = json.writeValueAsBytes(records.record(due.chainId()));
        } catch (TaskFailure e) {
            if (e.retryable()) {
                throw e;
            }
            callbacks.recordAttempt(due, Instant.now(), null, "not sent: " + e.getMessage(), RunCallbacks.State.FAILED, Instant.now());
            return;
        }
        Instant at = Instant.now();
        Integer status = null;
        String error = null;
        try {
            HttpResponse<Void> response = client.send(HttpRequest.newBuilder(due.url()).timeout(properties.timeout())
                    .header("Content-Type", "application/json")
                    .header(SIGNATURE, "sha256=" + sign(properties.secret(), body))
                    .header("X-Chain-Id", due.chainId())
                    .header("X-Callback-Attempt", String.valueOf(due.attempts() + 1))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
            status = response.statusCode();
            if (status / 100 != 2) {
                error = "the receiver answered HTTP " + status;
            }
        } catch (IOException e) {
            error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        int attempt = due.attempts() + 1;
        RunCallbacks.State state = error == null ? RunCallbacks.State.DELIVERED
                : attempt >= properties.maxAttempts() ? RunCallbacks.State.FAILED : RunCallbacks.State.PENDING;
        if (error != null) {
            log.warn("Callback of run {} to {}, attempt {}: {}{}", due.chainId(), due.url(), attempt, error,
                    state == RunCallbacks.State.FAILED ? "; given up" : "");
        }
        callbacks.recordAttempt(due, at, status, error, state,
                state == RunCallbacks.State.PENDING ? Instant.now().plus(properties.backoff(attempt)) : at);
    }

    /** The lowercase hex HMAC-SHA256 of {@code body} under {@code secret}. */
    static String sign(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
