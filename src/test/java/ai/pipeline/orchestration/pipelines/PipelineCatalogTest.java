package ai.pipeline.orchestration.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.orchestration.canvas.CanvasValidator;
import ai.pipeline.orchestration.pipelines.PipelineDefinition.Origin;
import ai.pipeline.platform.DataDirectory;
import ai.pipeline.shared.task.TaskArgument;
import ai.pipeline.shared.task.TaskArguments;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catalog: the shipped pipelines, and the folder's files as they are added, changed, broken and removed. */
class PipelineCatalogTest {

    private static final String SLEEP = """
            - from:
                uri: pipeline:nap?input=image
                steps:
                  - to: task:core.sleep?ms=%s
            """;

    @TempDir
    Path dataDir;

    final List<String> added = new ArrayList<>();
    PipelineCatalog catalog;

    @BeforeEach
    void setUp() {
        TaskArguments sleep = TaskArguments.of(TaskArgument.integer("ms", "how long").between(0, 1000));
        PipelineRouteFiles files = new PipelineRouteFiles(new PipelineRouteCompiler(name -> Optional.of(
                name.equals("core.sleep") ? sleep : TaskArguments.none())));
        catalog = new PipelineCatalog(files, new CanvasValidator(name -> Optional.of(TaskArguments.none().allowingOthers()), 10, 100),
                event -> added.add(((PipelineAdded) event).name()), new PipelinesProperties(null, Duration.ofSeconds(2)),
                new DataDirectory(dataDir));
    }

    @Test
    void theShippedPipelinesComeFromTheirRouteFilesAndTheFolderDefaultsToTheDataDirectory() {
        assertThat(catalog.all()).extracting(PipelineDefinition::name)
                .containsExactly("ai-pipeline", "document", "document-analysis", "image-analysis", "parallel");
        assertThat(catalog.find("document").orElseThrow().source().origin()).isEqualTo(Origin.SHIPPED);
        assertThat(catalog.dir()).isEqualTo(dataDir.resolve("pipelines")).isDirectory();
        assertThat(catalog.refused()).isEmpty();
    }

    @Test
    void aFileAddedChangedBrokenAndRemovedIsFollowedAndABrokenFileKeepsTheLastGoodVersion() throws Exception {
        Path file = catalog.dir().resolve("nap.camel.yaml");
        Files.writeString(file, SLEEP.formatted(10));
        catalog.rescan();
        assertThat(catalog.find("nap").orElseThrow().canvas().tasks().get(0).args()).containsEntry("ms", 10L);
        assertThat(added).containsExactly("nap");

        Files.writeString(file, SLEEP.formatted(20));
        catalog.rescan();
        assertThat(catalog.find("nap").orElseThrow().canvas().tasks().get(0).args()).containsEntry("ms", 20L);

        Files.writeString(file, SLEEP.formatted(5000));
        catalog.rescan();
        assertThat(catalog.refused()).containsOnlyKeys("nap.camel.yaml");
        assertThat(catalog.refused().get("nap.camel.yaml").getMessage())
                .isEqualTo("nap.camel.yaml, line 4: task core.sleep: argument 'ms' must be between 0 and 1000, got 5000");
        assertThat(catalog.find("nap").orElseThrow().canvas().tasks().get(0).args()).containsEntry("ms", 20L);

        Files.delete(file);
        catalog.rescan();
        assertThat(catalog.find("nap")).isEmpty();
        assertThat(catalog.refused()).isEmpty();
        assertThat(added).containsExactly("nap");
    }

    @Test
    void aFileNamedLikeAShippedPipelineIsRefusedAndTheShippedOneStays() throws Exception {
        Files.writeString(catalog.dir().resolve("document.camel.yaml"), SLEEP.formatted(10).replace("nap", "document"));
        Files.writeString(catalog.dir().resolve(".hidden.camel.yaml"), "not even yaml: [");
        catalog.rescan();

        assertThat(catalog.refused()).containsOnlyKeys("document.camel.yaml");
        assertThat(catalog.refused().get("document.camel.yaml").problem()).contains("ships with the product");
        assertThat(catalog.find("document").orElseThrow().source().origin()).isEqualTo(Origin.SHIPPED);
        assertThat(added).isEmpty();
    }
}
