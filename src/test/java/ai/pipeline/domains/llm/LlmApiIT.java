package ai.pipeline.domains.llm;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.shared.task.TaskDefinition;
import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.AppTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The LLM endpoints and tasks in the running application, on the default offline engine. */
@AppTest
class LlmApiIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    List<TaskDefinition> tasks;

    @Test
    void offersTheFourLlmTasks() {
        assertThat(tasks).extracting(TaskDefinition::name)
                .contains("llm.generate_text", "llm.summarize", "llm.analyze_clauses", "llm.describe");
    }

    @Test
    void summarizesWithSentenceOffsets() {
        String text = "Solar panels on the school roof now cover half of its electricity use. The project cost less "
                + "than planned because the city bought the panels together with two other schools. Pupils track the "
                + "daily output on a screen in the entrance hall.\n\nThe city plans to equip five more schools next year.";

        JsonNode data = post("/api/v1/llm/summarize", Map.of("text", text, "max_sentences", 2), 200).path("data");

        assertThat(data.path("summary").asString()).isNotBlank();
        assertThat(data.path("sentences")).hasSize(2);
        JsonNode first = data.path("sentences").get(0);
        assertThat(text.substring(first.path("start").asInt(), first.path("end").asInt())).isEqualTo(first.path("text").asString());
        assertThat(data.path("provenance").path("engine").asString()).isEqualTo("local-extractive");
        assertThat(data.path("provenance").path("model").asString()).isEqualTo("all-MiniLM-L6-v2-q");
        assertThat(data.path("provenance").has("duration_ms")).isTrue();
    }

    @Test
    void findsClausesWithCategoriesAndOffsets() {
        String contract = ContractSample.CONTRACT;

        JsonNode clauses = post("/api/v1/llm/clauses", Map.of("text", contract), 200).path("data").path("clauses");

        assertThat(clauses.valueStream().map(c -> c.path("category").asString()))
                .contains("Governing Law", "Termination for Convenience", "Cap on Liability", "Non-Disparagement",
                        "Anti-Assignment");
        for (JsonNode clause : clauses) {
            assertThat(contract.substring(clause.path("start").asInt(), clause.path("end").asInt()))
                    .isEqualTo(clause.path("text").asString());
        }
    }

    @Test
    void describesDetectionsAndText() {
        JsonNode data = post("/api/v1/llm/describe", Map.of(
                "objects", List.of(Map.of("label", "dog", "score", 0.86), Map.of("label", "bicycle", "score", 0.8)),
                "text", "BIKE SHOP"), 200).path("data");

        assertThat(data.path("description").asString())
                .isEqualTo("The image shows a dog and a bicycle. It contains the text \"BIKE SHOP\".");
    }

    @Test
    void generateWithoutAChatModelIsAConflictThatSaysWhatToConfigure() {
        JsonNode error = post("/api/v1/llm/generate", Map.of("prompt", "Write a haiku"), 409).path("error");

        assertThat(error.path("code").asString()).isEqualTo("conflict");
        assertThat(error.path("message").asString()).contains("no generative model configured")
                .contains("app.llm.provider=openai");
    }

    @Test
    void rejectsMissingBlankAndOversizedText() {
        assertThat(post("/api/v1/llm/summarize", Map.of(), 400).path("error").path("message").asString())
                .isEqualTo("text is missing or blank");
        assertThat(post("/api/v1/llm/clauses", Map.of("text", "   "), 400).path("error").path("code").asString())
                .isEqualTo("invalid_input");
        assertThat(post("/api/v1/llm/summarize", Map.of("text", "A sentence.", "max_sentences", 0), 400)
                .path("error").path("message").asString()).contains("max_sentences");
        assertThat(post("/api/v1/llm/describe", Map.of(), 400).path("error").path("message").asString())
                .contains("nothing to describe");
        assertThat(post("/api/v1/llm/clauses", Map.of("text", "a".repeat(300_001)), 413).path("error").path("message")
                .asString()).contains("300001 characters").contains("app.llm.max-input-chars");
    }

    private JsonNode post(String path, Map<String, Object> body, int expectedStatus) {
        ApiClient.Response response = new ApiClient(port).postJson(path, JSON.writeValueAsString(body));
        assertThat(response.status()).as(response.body()).isEqualTo(expectedStatus);
        return response.json();
    }
}
