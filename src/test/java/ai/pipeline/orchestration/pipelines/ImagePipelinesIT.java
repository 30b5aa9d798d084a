package ai.pipeline.orchestration.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.pipeline.shared.storage.Storage;
import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.AppTest;
import ai.pipeline.testsupport.Pipelines;
import ai.pipeline.testsupport.SharedTestData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * {@code image-analysis}, {@code parallel} and the four-stage {@code ai-pipeline} on the dog photo
 * (and the AI pipeline on a one-page scanned contract), with the real OCR, vision and LLM engines.
 */
@AppTest
class ImagePipelinesIT {

    private static final Duration RUN = Duration.ofSeconds(90);

    @LocalServerPort
    int port;

    @Autowired
    Storage storage;

    @TempDir
    Path tmp;

    ApiClient api;
    Pipelines pipelines;

    @BeforeEach
    void clients() {
        api = new ApiClient(port);
        pipelines = new Pipelines(api);
        await().atMost(Duration.ofSeconds(60)).until(() -> "UP".equals(api.get("/actuator/health").json()
                .path("components").path("vision").path("status").asString()));
    }

    private String start(String pipeline, String body) {
        ApiClient.Response response = api.postJson("/api/v1/pipelines/" + pipeline, body);
        assertThat(response.status()).as(response.body()).isEqualTo(202);
        assertThat(response.json().path("data").path("pipeline").asString()).isEqualTo(pipeline);
        return response.json().path("data").path("chain_id").asString();
    }

    @Test
    void imageAnalysisParallelAndTheAiPipelineOnThePhoto() {
        String dog = api.postFile("/api/v1/files", SharedTestData.file("testdata/images/dog.jpg")).json()
                .path("data").path("path").asString();
        String imageAnalysis = start("image-analysis", "{\"image_path\": \"" + dog + "\"}");
        String parallel = start("parallel", "{\"image_path\": \"" + dog + "\"}");
        String aiPipeline = start("ai-pipeline", "{\"image_path\": \"" + dog + "\"}");
        ApiClient.Response upload = api.postFile("/api/v1/pipelines/ai-pipeline",
                TestInputs.contractPdf(tmp.resolve("contract.pdf"), 1));
        assertThat(upload.status()).as(upload.body()).isEqualTo(202);
        String aiPipelinePdf = upload.json().path("data").path("chain_id").asString();

        JsonNode analysis = pipelines.awaitEnd(imageAnalysis, RUN);
        assertThat(analysis.path("status").asString()).as(analysis.toString()).isEqualTo("SUCCESS");
        JsonNode result = analysis.path("result");
        assertThat(labels(result.path("objects"))).contains("dog", "bicycle", "car");
        assertThat(result.path("description").asString()).contains("dog");
        assertThat(result.path("width").asInt()).isEqualTo(768);
        assertThat(result.path("provenance").path("vision").path("model").asString()).isEqualTo("yolox_nano.onnx");
        assertThat(result.path("provenance").path("ocr").path("engine").asString()).isEqualTo("tesseract");
        assertThat(result.path("provenance").path("description").path("engine").asString()).isNotBlank();
        // the chord: detection ‖ OCR, then the description (with the carrier) and the merge
        assertThat(nodes(imageAnalysis)).containsExactly("0.h0", "0.h1", "0.body.h0", "0.body.h1", "0.body.body");

        JsonNode both = pipelines.awaitEnd(parallel, RUN);
        assertThat(both.path("status").asString()).isEqualTo("SUCCESS");
        assertThat(both.path("result")).hasSize(2);
        assertThat(both.path("result").get(0).has("pages")).isTrue();
        assertThat(labels(both.path("result").get(1).path("objects"))).contains("dog");

        assertAiPipeline(aiPipeline);
        JsonNode photo = pipelines.pipeline(aiPipeline).path("result");
        assertThat(photo.path("object_counts").path("dog").asInt()).isEqualTo(1);
        assertThat(photo.path("source").path("format").asString()).isEqualTo("jpeg");
        assertThat(photo.path("features").path("width").asInt()).isEqualTo(768);
        assertThat(photo.path("features").path("dominant_colors")).isNotEmpty();
        assertThat(photo.has("summary")).isTrue();
        assertThat(storage.resolve(photo.path("result_path").asString())).isRegularFile();
        assertThat(storage.resolve(photo.path("image").path("path").asString())).isRegularFile();

        assertAiPipeline(aiPipelinePdf);
        JsonNode document = pipelines.pipeline(aiPipelinePdf).path("result");
        assertThat(document.path("source").path("format").asString()).isEqualTo("pdf");
        assertThat(document.path("page_count").asInt()).isEqualTo(1);
        assertThat(document.path("image").path("rendered_page").asInt()).isEqualTo(1);
        assertThat(document.path("text").asString()).contains("SERVICES AGREEMENT");
        assertThat(document.path("summary").asString()).isNotBlank();
    }

    /** Ends in SUCCESS, and its tasks view shows the four stages in order, each with its state, timing and tasks. */
    private void assertAiPipeline(String chainId) {
        JsonNode run = pipelines.awaitEnd(chainId, RUN);
        assertThat(run.path("status").asString()).as(run.toString()).isEqualTo("SUCCESS");
        JsonNode view = api.get("/api/v1/pipelines/ai-pipeline/" + chainId + "/tasks").json().path("data");
        assertThat(view.path("stages")).extracting(s -> s.path("name").asString()).containsExactly(
                "stage1_preprocessing", "stage2_feature_extraction", "stage3_model_inference", "stage4_post_processing");
        assertThat(view.path("stages")).extracting(s -> s.path("tasks").asInt()).containsExactly(1, 4, 4, 1);
        for (JsonNode stage : view.path("stages")) {
            assertThat(stage.path("state").asString()).isEqualTo("SUCCESS");
            assertThat(stage.path("started_at").asString()).isNotBlank();
            assertThat(stage.path("finished_at").asString()).isNotBlank();
            assertThat(stage.path("duration_ms").isNumber()).isTrue();
        }
        for (JsonNode task : view.path("tasks")) {
            assertThat(task.path("stage").asString()).startsWith("stage");
            assertThat(task.path("state").asString()).isEqualTo("SUCCESS");
            assertThat(task.path("duration_ms").isNumber()).isTrue();
        }
        assertThat(view.path("tasks")).extracting(t -> t.path("name").asString()).containsExactly(
                "media.normalize",
                "core.echo", "ocr.extract_text", "media.image_features", "pipeline.stage2_feature_extraction",
                "core.echo", "vision.detect_objects", "llm.summarize", "pipeline.stage3_model_inference",
                "pipeline.stage4_post_processing");
    }

    private List<String> nodes(String chainId) {
        List<String> nodes = new ArrayList<>();
        pipelines.tasks(chainId).forEach(t -> nodes.add(t.path("node").asString()));
        return nodes;
    }

    private static List<String> labels(JsonNode objects) {
        List<String> labels = new ArrayList<>();
        objects.forEach(o -> labels.add(o.path("label").asString()));
        return labels;
    }
}
