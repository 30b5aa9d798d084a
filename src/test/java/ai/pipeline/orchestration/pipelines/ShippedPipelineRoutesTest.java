package ai.pipeline.orchestration.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.orchestration.pipelines.PipelineDefinition.Origin;
import ai.pipeline.shared.task.TaskArguments;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.core.io.ClassPathResource;

/** Each shipped route file compiles to exactly the pipeline SeedPipelines builds with WorkflowBuilder. */
class ShippedPipelineRoutesTest {

    private static final SeedPipelines SEED = new SeedPipelines();

    private final PipelineRouteFiles files = new PipelineRouteFiles(new PipelineRouteCompiler(
            name -> Optional.of(TaskArguments.none())));

    static List<PipelineDefinition> builtInJava() {
        return List.of(SEED.documentPipeline(), SEED.documentAnalysisPipeline(), SEED.imageAnalysisPipeline(),
                SEED.parallelPipeline(), SEED.aiPipeline());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("builtInJava")
    void theRouteFileCompilesToTheSamePipeline(PipelineDefinition expected) throws IOException {
        String file = expected.name() + PipelineRouteFiles.SUFFIX;
        String text = new ClassPathResource("routes/pipelines/" + file).getContentAsString(StandardCharsets.UTF_8);

        PipelineDefinition compiled = files.compile(file, text, Origin.SHIPPED);

        assertThat(compiled.canvas()).isEqualTo(expected.canvas());
        assertThat(compiled.stages()).isEqualTo(expected.stages());
        assertThat(compiled.inputs()).isEqualTo(expected.inputs());
        assertThat(compiled.description()).isEqualTo(expected.description());
        assertThat(compiled.name()).isEqualTo(expected.name());
    }
}
