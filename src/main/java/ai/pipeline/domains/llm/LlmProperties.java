package ai.pipeline.domains.llm;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code app.llm.*}: which engine serves the LLM tasks, input limits, and each engine's settings.
 * Every key is listed in docs/domains.md, "LLM domain".
 */
@ConfigurationProperties("app.llm")
public record LlmProperties(
        @DefaultValue("local") Provider provider,
        @DefaultValue("300000") int maxInputChars,
        @DefaultValue Summary summary,
        @DefaultValue Clauses clauses,
        @DefaultValue Describe describe,
        @DefaultValue Local local,
        @DefaultValue OpenAi openai,
        @DefaultValue RateLimit rateLimit) {

    public enum Provider {
        /** the offline engine: extractive, deterministic, no network */
        LOCAL,
        /** any OpenAI-compatible chat-completions server (vLLM, llama.cpp, LocalAI, Ollama's /v1, …) */
        OPENAI
    }

    /** Default budget of a summary when the request names none. */
    public record Summary(@DefaultValue("5") int maxSentences, @DefaultValue("1200") int maxChars) {
    }

    /**
     * The offline clause classifier's calibrated decision rule: a clause gets its best category when
     * the similarity is at least {@code minSimilarity} and beats the best non-CUAD background match
     * by {@code minMargin} (see docs/domains.md for how these were chosen).
     */
    public record Clauses(@DefaultValue("0.45") double minSimilarity, @DefaultValue("0.05") double minMargin) {
    }

    /** Detections below {@code minScore} are left out of a description; OCR text is cut at {@code maxTextChars}. */
    public record Describe(@DefaultValue("0.5") double minScore, @DefaultValue("120") int maxTextChars) {
    }

    /** {@code warmUp}: load the embedding model in the background after start-up instead of on first use. */
    public record Local(@DefaultValue("true") boolean warmUp) {
    }

    /**
     * The chat model server. {@code apiKey} comes from the environment ({@code APP_LLM_OPENAI_API_KEY});
     * never put it in a file. {@code maxRetries} counts retries after the first attempt; a server's
     * {@code Retry-After} is honoured up to {@code maxRetryAfter}.
     */
    public record OpenAi(
            @DefaultValue("http://localhost:8000/v1") String baseUrl,
            @DefaultValue("") String model,
            @DefaultValue("") String apiKey,
            @DefaultValue("60s") Duration timeout,
            @DefaultValue("3") int maxRetries,
            @DefaultValue("1s") Duration initialBackoff,
            @DefaultValue("30s") Duration maxBackoff,
            @DefaultValue("60s") Duration maxRetryAfter,
            @DefaultValue("0.0") double temperature,
            @DefaultValue("1024") int maxTokens,
            @DefaultValue("true") boolean jsonMode) {

        @Override
        public String toString() {
            return "OpenAi[baseUrl=" + baseUrl + ", model=" + model + ", apiKey=" + (apiKey.isEmpty() ? "" : "***")
                    + ", timeout=" + timeout + ", maxRetries=" + maxRetries + "]";
        }
    }

    /**
     * Limits on calls to the chat model server, so a burst of pipelines never floods a paid API: at
     * most {@code requestsPerMinute} in any minute (0: no limit) and {@code maxConcurrent} at once; a
     * call waits up to {@code maxWait} for its turn, then fails as retryable.
     */
    public record RateLimit(
            @DefaultValue("60") int requestsPerMinute,
            @DefaultValue("4") int maxConcurrent,
            @DefaultValue("30s") Duration maxWait) {
    }
}
