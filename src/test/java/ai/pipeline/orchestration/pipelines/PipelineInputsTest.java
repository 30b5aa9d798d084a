package ai.pipeline.orchestration.pipelines;

import static ai.pipeline.orchestration.canvas.WorkflowBuilder.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.pipeline.shared.storage.Storage;
import ai.pipeline.shared.task.TaskFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The input check every door applies before a run is recorded. */
class PipelineInputsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final PipelineDefinition DOCUMENT = new PipelineDefinition("doc", "", task("core.echo"),
            List.of(InputKind.DOCUMENT), List.of());
    private static final PipelineDefinition IMAGE = new PipelineDefinition("img", "", task("core.echo"),
            List.of(InputKind.IMAGE), List.of());
    private static final PipelineDefinition EITHER = new PipelineDefinition("any", "", task("core.echo"),
            List.of(InputKind.IMAGE, InputKind.DOCUMENT), List.of());

    @TempDir
    Path dir;

    Storage storage;
    PipelineInputs inputs;

    @BeforeEach
    void storage() throws Exception {
        storage = new Storage(dir.resolve("storage"), 1_000_000);
        inputs = new PipelineInputs(storage, JSON);
        Files.createDirectories(storage.root().resolve("in"));
        TestInputs.textPng(storage.root().resolve("in/page.png"), "Hello");
        Files.writeString(storage.root().resolve("in/doc.pdf"), "%PDF-1.7\n");
        Files.writeString(storage.root().resolve("in/notes.txt"), "plain text");
    }

    private JsonNode check(PipelineDefinition pipeline, String input) {
        return inputs.check(pipeline, JSON.readTree(input));
    }

    private static void assertReason(Runnable call, TaskFailure.Reason reason, String message) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(TaskFailure.class,
                e -> assertThat(e.reason()).isEqualTo(reason)).hasMessageContaining(message);
    }

    @Test
    void aPathInStorageOfAnAcceptedFormatPassesRelativeToTheRootWithOtherKeysKept() {
        JsonNode checked = check(DOCUMENT, "{\"document_path\": \"" + storage.root().resolve("in/doc.pdf") + "\", \"languages\": \"eng\"}");
        assertThat(checked.path("document_path").asString()).isEqualTo("in/doc.pdf");
        assertThat(checked.path("languages").asString()).isEqualTo("eng");
        assertThat(check(EITHER, "{\"image_path\": \"in/page.png\"}").path("image_path").asString()).isEqualTo("in/page.png");
    }

    @Test
    void missingAmbiguousOrMistypedInputIsBadInput() {
        assertReason(() -> check(DOCUMENT, "{}"), TaskFailure.Reason.INVALID_INPUT, "missing \"document_path\"");
        assertReason(() -> check(DOCUMENT, "[\"in/doc.pdf\"]"), TaskFailure.Reason.INVALID_INPUT, "expects an input object");
        assertReason(() -> check(DOCUMENT, "{\"document_path\": 7}"), TaskFailure.Reason.INVALID_INPUT, "must be a string");
        assertReason(() -> check(EITHER, "{\"image_path\": \"in/page.png\", \"document_path\": \"in/doc.pdf\"}"),
                TaskFailure.Reason.INVALID_INPUT, "only one of");
    }

    @Test
    void pathsOutsideStorageAreBadInputAndMissingFilesAreNotFound() throws Exception {
        assertReason(() -> check(DOCUMENT, "{\"document_path\": \"../../etc/passwd\"}"), TaskFailure.Reason.INVALID_INPUT, "outside");
        assertReason(() -> check(DOCUMENT, "{\"document_path\": \"/etc/passwd\"}"), TaskFailure.Reason.INVALID_INPUT, "outside");
        Path outside = Files.writeString(dir.resolve("secret.pdf"), "%PDF-1.7\n");
        Files.createSymbolicLink(storage.root().resolve("in/link.pdf"), outside);
        assertReason(() -> check(DOCUMENT, "{\"document_path\": \"in/link.pdf\"}"), TaskFailure.Reason.INVALID_INPUT, "outside");
        assertReason(() -> check(DOCUMENT, "{\"document_path\": \"in/none.pdf\"}"), TaskFailure.Reason.NOT_FOUND, "no such file");
    }

    @Test
    void aFormatThePipelineDoesNotTakeIsUnsupported() {
        assertReason(() -> check(IMAGE, "{\"image_path\": \"in/doc.pdf\"}"), TaskFailure.Reason.UNSUPPORTED_FORMAT,
                "img takes an image");
        assertReason(() -> check(DOCUMENT, "{\"document_path\": \"in/notes.txt\"}"), TaskFailure.Reason.UNSUPPORTED_FORMAT,
                "not recognised");
    }

    @Test
    void aFileGoesUnderTheFirstKeyThatTakesItsFormat() {
        assertThat(inputs.forFile(EITHER, storage.root().resolve("in/page.png"), "page.png").toString())
                .isEqualTo("{\"image_path\":\"in/page.png\",\"file_name\":\"page.png\"}");
        assertThat(inputs.forFile(EITHER, storage.root().resolve("in/doc.pdf"), null).toString())
                .isEqualTo("{\"document_path\":\"in/doc.pdf\"}");
        assertThat(inputs.forFile(DOCUMENT, storage.root().resolve("in/page.png"), "p.png").path("document_path").asString())
                .isEqualTo("in/page.png");
        assertReason(() -> inputs.forFile(IMAGE, storage.root().resolve("in/doc.pdf"), "doc.pdf"),
                TaskFailure.Reason.UNSUPPORTED_FORMAT, "doc.pdf is a PDF");
    }
}
