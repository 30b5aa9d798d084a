package ai.pipeline.domains.llm.openai;

import static ai.pipeline.domains.llm.openai.ChatCompletionsServer.completion;
import static ai.pipeline.domains.llm.openai.ChatCompletionsServer.error;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.pipeline.domains.llm.ClauseAnalysis;
import ai.pipeline.domains.llm.CuadTaxonomy;
import ai.pipeline.domains.llm.GeneratedText;
import ai.pipeline.domains.llm.LlmProperties;
import ai.pipeline.domains.llm.Summary;
import ai.pipeline.domains.llm.SummaryBudget;
import ai.pipeline.shared.task.CancellationSignal;
import ai.pipeline.shared.task.TaskFailure;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The chat-model engine against a chat-completions server on loopback that answers from recordings. */
class OpenAiCompatibleEngineTest {

    static final String CONTRACT = "1. Governing Law. This Agreement is governed by the laws of the State of Oregon.\n\n"
            + "2. Assignment. Neither party may assign this Agreement without the other party's written consent.";

    private final ChatCompletionsServer server = new ChatCompletionsServer();

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void generatesTextWithTheConfiguredModelAndKey() {
        server.reply(completion("Kafka keeps the pipeline's messages in order per chain."));

        GeneratedText result = engine(Duration.ofSeconds(5), 2, "sk-test-123")
                .generate("Say one thing about Kafka.", CancellationSignal.NEVER);

        assertThat(result.text()).isEqualTo("Kafka keeps the pipeline's messages in order per chain.");
        assertThat(result.provenance().engine()).isEqualTo("openai-compatible");
        assertThat(result.provenance().model()).isEqualTo(ChatCompletionsServer.MODEL);
        assertThat(result.provenance().details()).containsEntry("attempts", 1).containsEntry("input_tokens", 412)
                .containsEntry("output_tokens", 58);
        ChatCompletionsServer.Received request = server.received().get(0);
        assertThat(request.json().get("model").asString()).isEqualTo(ChatCompletionsServer.MODEL);
        assertThat(request.json().at("/messages/0/content").asString()).isEqualTo("Say one thing about Kafka.");
        assertThat(request.headers().get("Authorization")).containsExactly("Bearer sk-test-123");
    }

    @Test
    void aRateLimitedCallWaitsAsLongAsRetryAfterSaysThenSucceeds() {
        server.reply(error(429, "Rate limit reached for requests", "Retry-After", "1"), completion("Done."));

        GeneratedText result = engine(Duration.ofSeconds(5), 2, "").generate("Hello", CancellationSignal.NEVER);

        assertThat(result.text()).isEqualTo("Done.");
        assertThat(result.provenance().details()).containsEntry("attempts", 2);
        List<ChatCompletionsServer.Received> requests = server.received();
        assertThat(requests).hasSize(2);
        Duration waited = Duration.ofNanos(requests.get(1).nanoTime() - requests.get(0).nanoTime());
        // the backoff without Retry-After would be about 50 ms
        assertThat(waited).isBetween(Duration.ofMillis(950), Duration.ofMillis(2500));
    }

    @Test
    void aServerSlowerThanTheTimeoutIsARetryableTimeout() {
        server.reply(ChatCompletionsServer.hang(), ChatCompletionsServer.hang());
        long started = System.nanoTime();

        assertThatThrownBy(() -> engine(Duration.ofMillis(300), 1, "").generate("Hello", CancellationSignal.NEVER))
                .isInstanceOfSatisfying(TaskFailure.class, failure -> {
                    assertThat(failure.reason()).isEqualTo(TaskFailure.Reason.TIMEOUT);
                    assertThat(failure.retryable()).isTrue();
                    assertThat(failure.getMessage()).contains("no answer from the chat model server")
                            .contains("0.3 s (app.llm.openai.timeout)").contains("2 attempts");
                });
        assertThat(server.received()).hasSize(2);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void serverErrorsAreRetriedAndThenFailRetryable() {
        server.reply(error(503, "model is loading"), error(503, "model is loading"), error(503, "model is loading"));

        assertThatThrownBy(() -> engine(Duration.ofSeconds(5), 2, "").generate("Hello", CancellationSignal.NEVER))
                .isInstanceOfSatisfying(TaskFailure.class, failure -> {
                    assertThat(failure.reason()).isEqualTo(TaskFailure.Reason.UNAVAILABLE);
                    assertThat(failure.getMessage()).contains("answered 503").contains("3 attempts").contains("model is loading");
                });
        assertThat(server.received()).hasSize(3);
    }

    @Test
    void refusedCredentialsFailAtOnceAsAConfigurationProblem() {
        server.reply(error(401, "Incorrect API key provided"));

        assertThatThrownBy(() -> engine(Duration.ofSeconds(5), 2, "wrong").generate("Hello", CancellationSignal.NEVER))
                .isInstanceOfSatisfying(TaskFailure.class, failure -> {
                    assertThat(failure.retryable()).isFalse();
                    assertThat(failure.getMessage()).contains("401").contains("APP_LLM_OPENAI_API_KEY");
                });
        assertThat(server.received()).hasSize(1);
    }

    @Test
    void summarizesWithTheVersionedPrompt() {
        server.reply(completion("Oregon law governs, and the agreement cannot be assigned without consent."));

        Summary summary = engine(Duration.ofSeconds(5), 0, "").summarize(CONTRACT, new SummaryBudget(2, 300),
                CancellationSignal.NEVER);

        assertThat(summary.summary()).isEqualTo("Oregon law governs, and the agreement cannot be assigned without consent.");
        assertThat(summary.sentences()).isEmpty();
        assertThat(summary.provenance().version()).isEqualTo("summarize.v1");
        assertThat(server.received().get(0).body()).contains("at most 2 sentences and at most 300 characters");
    }

    @Test
    void clausesAreValidatedAndGetOffsetsInTheInput() {
        server.reply(completion("""
                {"clauses": [
                  {"category": "Governing Law", "text": "This Agreement is governed by the laws of the State of Oregon.", "score": 0.95},
                  {"category": "Anti-Assignment", "text": "Neither party may assign this Agreement without the other party's written consent.", "score": 0.9}
                ]}"""));

        ClauseAnalysis analysis = engine(Duration.ofSeconds(5), 0, "").analyzeClauses(CONTRACT, CancellationSignal.NEVER);

        assertThat(analysis.clauses()).extracting(ClauseAnalysis.Clause::category)
                .containsExactly("Governing Law", "Anti-Assignment");
        for (ClauseAnalysis.Clause clause : analysis.clauses()) {
            assertThat(CONTRACT.substring(clause.start(), clause.end())).isEqualTo(clause.text());
        }
        assertThat(server.received().get(0).json().at("/response_format/type").asString()).isEqualTo("json_object");
        assertThat(server.received().get(0).json().at("/messages/0/content").asString())
                .contains("- Governing Law: Which state/country's law governs").contains("\"required\": [\"category\", \"text\"]");
    }

    @Test
    void malformedClausesAreRetriedOnceThenFailClearly() {
        server.reply(completion("Here are the clauses: Governing Law, Anti-Assignment."),
                completion("{\"clauses\": [{\"category\": \"Choice of Venue\", \"text\": \"Oregon\"}]}"));

        assertThatThrownBy(() -> engine(Duration.ofSeconds(5), 0, "").analyzeClauses(CONTRACT, CancellationSignal.NEVER))
                .isInstanceOfSatisfying(TaskFailure.class, failure -> {
                    assertThat(failure.retryable()).isFalse();
                    assertThat(failure.getMessage()).contains("no valid clause JSON in 2 attempts")
                            .contains("\"Choice of Venue\" is not a CUAD category");
                });
        assertThat(server.received()).hasSize(2);
        assertThat(server.received().get(1).body()).contains("Your answer could not be used: the answer is not JSON")
                .contains("Here are the clauses");
    }

    @Test
    void aClauseAnswerRepairedOnTheSecondTryIsUsed() {
        server.reply(completion("{\"clauses\": [{\"category\": \"Governing Law\"}]}"),
                completion("```json\n{\"clauses\": [{\"category\": \"Governing Law\", \"text\": \"governed by the laws of the\\nState of Oregon\"}]}\n```"));

        ClauseAnalysis analysis = engine(Duration.ofSeconds(5), 0, "").analyzeClauses(CONTRACT, CancellationSignal.NEVER);

        assertThat(analysis.clauses()).singleElement().satisfies(clause -> {
            assertThat(clause.text()).isEqualTo("governed by the laws of the State of Oregon");
            assertThat(clause.start()).isEqualTo(CONTRACT.indexOf("governed by"));
            assertThat(clause.score()).isNull();
        });
        assertThat(analysis.provenance().details()).containsEntry("calls", 2);
        assertThat(server.received().get(1).body()).contains("required property 'text' not found");
    }

    private OpenAiCompatibleEngine engine(Duration timeout, int maxRetries, String apiKey) {
        return new OpenAiCompatibleEngine(
                new LlmProperties.OpenAi(server.baseUrl(), ChatCompletionsServer.MODEL, apiKey, timeout, maxRetries,
                        Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(5), 0.0, 256, true),
                new LlmProperties.RateLimit(0, 4, Duration.ofSeconds(1)),
                new LlmProperties.Describe(0.5, 120),
                CuadTaxonomy.load());
    }
}
