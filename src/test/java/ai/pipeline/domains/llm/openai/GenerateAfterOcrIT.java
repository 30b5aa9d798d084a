package ai.pipeline.domains.llm.openai;

import static ai.pipeline.domains.llm.openai.ChatCompletionsServer.completion;
import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.orchestration.pipelines.TestInputs;
import ai.pipeline.shared.storage.Storage;
import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.Apps;
import ai.pipeline.testsupport.Pipelines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The design guide's first pipeline, chain(ocr.extract_text, llm.generate_text), run by the whole
 * application over Kafka with real Tesseract, against a chat-completions server on loopback: the
 * prompt template takes the OCR result's text, and the model receives exactly that prompt.
 */
class GenerateAfterOcrIT {

    private static final String ANSWER = "3 March 2026; 2 April 2026";

    @TempDir
    Path dataDir;

    @Test
    void theOcrTextIsRenderedIntoThePromptTheModelReceivesAndAMissingFieldFailsWithoutAsking() throws Exception {
        try (ChatCompletionsServer server = new ChatCompletionsServer().reply(completion(ANSWER));
             ConfigurableApplicationContext app = Apps.start(Map.of(
                     "app.data-dir", dataDir.toString(),
                     "app.inbox.enabled", "false",
                     "app.llm.provider", "openai",
                     "app.llm.openai.base-url", server.baseUrl(),
                     "app.llm.openai.model", ChatCompletionsServer.MODEL))) {
            Pipelines pipelines = new Pipelines(new ApiClient(((WebServerApplicationContext) app).getWebServer().getPort()));
            Storage storage = app.getBean(Storage.class);
            Path invoice = TestInputs.textPng(Files.createDirectories(storage.root().resolve("uploads")).resolve("invoice.png"),
                    "Invoice 42 issued on 3 March 2026", "Payment due by 2 April 2026");
            String input = "{\"image_path\": \"" + storage.relativize(invoice) + "\"}";

            String chainId = pipelines.run("{\"chain\": [{\"task\": \"ocr.extract_text\"}, {\"task\": \"llm.generate_text\", "
                    + "\"args\": {\"prompt\": \"List the dates in: {{text}}\"}}]}", input);

            JsonNode run = pipelines.awaitEnd(chainId, Duration.ofSeconds(90));
            assertThat(run.path("status").asString()).as(run.toString()).isEqualTo("SUCCESS");
            assertThat(run.path("result").path("text").asString()).isEqualTo(ANSWER);
            assertThat(run.path("result").path("provenance").path("engine").asString()).isEqualTo("openai-compatible");
            String ocrText = pipelines.task(chainId, "0").path("result").path("text").asString();
            assertThat(ocrText).contains("Invoice 42", "March 2026", "April 2026");
            assertThat(server.received()).hasSize(1);
            assertThat(server.received().get(0).json().at("/messages/0/content").asString())
                    .isEqualTo("List the dates in: " + ocrText);

            String missing = pipelines.run("{\"chain\": [{\"task\": \"ocr.extract_text\"}, {\"task\": \"llm.generate_text\", "
                    + "\"args\": {\"prompt\": \"Translate: {{translation}}\"}}]}", input);

            JsonNode failed = pipelines.awaitEnd(missing, Duration.ofSeconds(90));
            assertThat(failed.path("status").asString()).isEqualTo("FAILURE");
            JsonNode generate = pipelines.task(missing, "1");
            assertThat(generate.path("state").asString()).isEqualTo("FAILURE");
            assertThat(generate.path("attempt").asInt()).as("bad input is not retried").isEqualTo(1);
            assertThat(generate.path("error").asString()).contains("{{translation}} is missing",
                    "the input has no field \"translation\"");
            assertThat(server.received()).as("the model is not asked").hasSize(1);
        }
    }
}
