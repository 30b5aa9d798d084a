package ai.pipeline.orchestration.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.pipeline.orchestration.engine.TaskRegistry;
import ai.pipeline.orchestration.engine.Topics;
import ai.pipeline.orchestration.pipelines.TestInputs;
import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.AppTest;
import ai.pipeline.testsupport.Pipelines;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.camel.ConsumerTemplate;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Typed task arguments through the real application (embedded Kafka, H2, Tesseract): an argument a
 * task does not declare, of the wrong type or out of bounds is refused at start with a 400 naming
 * it, on every door; a named pipeline's options reach the steps that declare them; the task
 * catalogue lists every task with its arguments.
 */
@AppTest
class TaskArgumentsIT {

    private static final Duration OCR_RUN = Duration.ofSeconds(120);

    @LocalServerPort
    int port;

    @Autowired
    TaskRegistry registry;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    ProducerTemplate producer;

    @Autowired
    ConsumerTemplate consumer;

    @TempDir
    Path tmp;

    ApiClient api;
    Pipelines pipelines;

    @BeforeEach
    void clients() {
        api = new ApiClient(port);
        pipelines = new Pipelines(api);
    }

    @Test
    void coreSleepWithAnArgumentItDoesNotDeclareIsA400NamingTheStepAndArgumentAndStartsNothing() {
        String requestId = "seconds-" + UUID.randomUUID();
        ApiClient.Response refused = api.postJson("/api/v1/workflows", "{\"canvas\": {\"chain\": [{\"task\": \"core.echo\"}, "
                + "{\"task\": \"core.sleep\", \"args\": {\"seconds\": 3}}]}, \"request_id\": \"" + requestId + "\"}");

        assertError(refused, "invalid canvas: $.chain[1] (core.sleep): unknown argument 'seconds': it takes ms (integer)");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM pipeline_execution WHERE request_id = ?", Integer.class, requestId))
                .isZero();
    }

    @Test
    void aMistypedOrOutOfBoundsArgumentIsA400SayingWhatIsWrong() {
        assertError(api.postJson("/api/v1/workflows", "{\"canvas\": {\"task\": \"core.sleep\", \"args\": {\"ms\": \"300\"}}}"),
                "$ (core.sleep): argument 'ms' must be an integer, got \"300\"");
        assertError(api.postJson("/api/v1/workflows", "{\"canvas\": {\"task\": \"core.sleep\", \"args\": {\"ms\": -1}}}"),
                "argument 'ms' must be between 0 and 600000, got -1");
        assertError(api.postJson("/api/v1/workflows",
                        "{\"canvas\": {\"group\": [{\"task\": \"vision.detect_objects\", \"args\": {\"score_threshold\": 2}}]}}"),
                "$.group[0] (vision.detect_objects): argument 'score_threshold' must be between 0 and 1, got 2");
        assertError(api.postJson("/api/v1/workflows",
                        "{\"canvas\": {\"task\": \"ocr.extract_text\", \"args\": {\"languages\": [\"eng\", \"../etc\"]}}}"),
                "argument 'languages' must be language codes like eng or eng+kor, got \"../etc\"");
    }

    @Test
    void aDeclaredArgumentIsReadTypedByTheTask() {
        String chainId = pipelines.run("{\"task\": \"core.sleep\", \"args\": {\"ms\": 300}}", "{\"x\": 1}");

        JsonNode run = pipelines.awaitEnd(chainId);
        assertThat(run.path("status").asString()).isEqualTo("SUCCESS");
        assertThat(run.path("result").path("slept_ms").asLong()).isEqualTo(300);
        // the record's times come from the wall clock, the sleep from the monotonic one: a millisecond apart at times
        assertThat(pipelines.task(chainId, "0").path("duration_ms").asLong()).isGreaterThanOrEqualTo(295);
    }

    @Test
    void optionsOfANamedPipelineReachTheStepsThatDeclareThemFromAJsonBodyAndAFormField() {
        Path pdf = TestInputs.contractPdf(tmp.resolve("contract.pdf"), 3);
        String stored = api.postFile("/api/v1/files", pdf).json().path("data").path("path").asString();

        ApiClient.Response json = api.postJson("/api/v1/pipelines/document", "{\"document_path\": \"" + stored + "\", "
                + "\"options\": {\"pages\": \"2\", \"languages\": [\"eng\"], \"max_sentences\": 1}}");
        ApiClient.Response form = api.postFile("/api/v1/pipelines/document", pdf, "options", "{\"pages\": \"3\"}");
        assertThat(json.status()).as(json.body()).isEqualTo(202);
        assertThat(form.status()).as(form.body()).isEqualTo(202);
        String jsonRun = json.json().path("data").path("chain_id").asString();
        String formRun = form.json().path("data").path("chain_id").asString();

        assertThat(pipelines.awaitEnd(jsonRun, OCR_RUN).path("status").asString()).isEqualTo("SUCCESS");
        assertThat(pipelines.task(jsonRun, "0").path("result").path("pages")).extracting(p -> p.path("page").asInt())
                .containsExactly(2);
        JsonNode page2 = pipelines.task(jsonRun, "2").path("result");
        assertThat(page2.path("languages")).extracting(JsonNode::asString).containsExactly("eng");
        assertThat(page2.path("text").asString()).contains("Limitation of Liability").doesNotContain("SERVICES AGREEMENT");
        assertThat(pipelines.task(jsonRun, "3").path("result").path("sentences")).hasSize(1);

        assertThat(pipelines.awaitEnd(formRun, OCR_RUN).path("status").asString()).isEqualTo("SUCCESS");
        assertThat(pipelines.task(formRun, "2").path("result").path("text").asString())
                .contains("Governing Law").doesNotContain("Limitation of Liability");
    }

    @Test
    void anOptionNoStepTakesOrOfTheWrongTypeIsA400NamingItOnEveryRestDoor() {
        Path png = TestInputs.textPng(tmp.resolve("note.png"), "Invoice 42");
        String stored = api.postFile("/api/v1/files", png).json().path("data").path("path").asString();

        assertError(api.postJson("/api/v1/pipelines/document", "{\"document_path\": \"" + stored + "\", "
                        + "\"options\": {\"seconds\": 3}}"),
                "unknown option 'seconds': no step of document takes it; its options are pages (string), "
                        + "languages (string list), max_sentences (integer), max_chars (integer)");
        assertError(api.postJson("/api/v1/pipelines/parallel", "{\"image_path\": \"" + stored + "\", "
                        + "\"options\": {\"score_threshold\": \"high\"}}"),
                "option 'score_threshold' must be a number, got \"high\" (for vision.detect_objects)");
        assertError(api.postJson("/api/v1/pipelines/image-analysis", "{\"image_path\": \"" + stored + "\", \"options\": {\"x\": 1}}"),
                "unknown option 'x'");
        assertError(api.postFile("/api/v1/pipelines/document", png, "options", "{\"max_sentences\": 0}"),
                "option 'max_sentences' must be between 1 and 100, got 0 (for llm.summarize)");
        assertError(api.postFile("/api/v1/pipelines/document", png, "options", "pages=2"),
                "options must be a JSON object");
        assertError(api.postJson("/api/v1/pipelines/document-analysis", "{\"document_path\": \"" + stored + "\", "
                + "\"options\": [\"pages\"]}"), "malformed request body");
        assertError(api.postJson("/api/v1/pipelines/ai-pipeline", "{\"image_path\": \"" + stored + "\", "
                + "\"options\": {\"page\": 1}}"), "unknown option 'page'");
    }

    @Test
    void aKafkaRequestWithAnUnknownOptionOrArgumentGoesToTheDeadLetterTopicNamingIt() {
        Path png = TestInputs.textPng(tmp.resolve("note.png"), "Invoice 42");
        String stored = api.postFile("/api/v1/files", png).json().path("data").path("path").asString();
        String requestId = "kafka-option-" + UUID.randomUUID();
        producer.sendBodyAndHeader("kafka:" + Topics.REQUESTS, "{\"pipeline\": \"document\", \"input\": {\"document_path\": \""
                + stored + "\"}, \"options\": {\"seconds\": 3}, \"request_id\": \"" + requestId + "\"}", KafkaConstants.KEY, requestId);
        producer.sendBodyAndHeader("kafka:" + Topics.REQUESTS, "{\"canvas\": {\"task\": \"core.sleep\", \"args\": "
                + "{\"seconds\": 3}}, \"request_id\": \"" + requestId + "-canvas\"}", KafkaConstants.KEY, requestId);

        String uri = "kafka:" + Topics.REQUESTS_DEAD_LETTER + "?groupId=test-" + UUID.randomUUID() + "&autoOffsetReset=earliest";
        List<String> errors = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Exchange letter = consumer.receive(uri, 1000);
            if (letter != null && letter.getIn().getBody(String.class).contains(requestId)) {
                errors.add(letter.getIn().getHeader("error", String.class));
            }
            return errors.size() == 2;
        });
        assertThat(errors).anySatisfy(error -> assertThat(error).contains("unknown option 'seconds'"))
                .anySatisfy(error -> assertThat(error).contains("(core.sleep): unknown argument 'seconds'"));
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM pipeline_execution WHERE request_id LIKE ?", Integer.class,
                requestId + "%")).isZero();
    }

    @Test
    void theTaskCatalogueListsEveryTaskWithItsArguments() {
        ApiClient.Response response = api.get("/api/v1/tasks");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().path("success").asBoolean()).isTrue();
        JsonNode items = response.json().path("data").path("items");
        assertThat(items).extracting(t -> t.path("name").asString()).containsExactlyElementsOf(registry.names());
        JsonNode sleep = byName(items, "core.sleep");
        assertThat(sleep.path("domain").asString()).isEqualTo("core");
        assertThat(sleep.path("other_arguments").asBoolean()).isFalse();
        JsonNode ms = sleep.path("arguments").get(0);
        assertThat(ms.path("name").asString()).isEqualTo("ms");
        assertThat(ms.path("type").asString()).isEqualTo("integer");
        assertThat(ms.path("default_value").asLong()).isZero();
        assertThat(ms.path("min").asDouble()).isZero();
        assertThat(ms.path("max").isIntegralNumber()).as("whole bounds as integers").isTrue();
        assertThat(ms.path("max").asLong()).isEqualTo(600_000);
        assertThat(byName(byName(items, "ocr.extract_text").path("arguments"), "languages").path("type").asString())
                .isEqualTo("string list");
        assertThat(byName(byName(items, "llm.generate_text").path("arguments"), "prompt").path("from_input").asBoolean())
                .isTrue();
        assertThat(byName(items, "core.echo").path("other_arguments").asBoolean()).isTrue();

        JsonNode document = byName(api.get("/api/v1/pipelines").json().path("data").path("items"), "document");
        assertThat(document.path("options")).extracting(o -> o.path("name").asString())
                .containsExactly("pages", "languages", "max_sentences", "max_chars");
    }

    private static JsonNode byName(JsonNode items, String name) {
        for (JsonNode item : items) {
            if (item.path("name").asString().equals(name)) {
                return item;
            }
        }
        throw new AssertionError("no " + name + " in " + items);
    }

    private static void assertError(ApiClient.Response response, String message) {
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.json().path("success").asBoolean()).isFalse();
        assertThat(response.json().path("error").path("code").asString()).isEqualTo("invalid_input");
        assertThat(response.json().path("error").path("message").asString()).contains(message);
    }
}
