package ai.pipeline.orchestration.canvas;

import static ai.pipeline.orchestration.canvas.WorkflowBuilder.chain;
import static ai.pipeline.orchestration.canvas.WorkflowBuilder.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class CanvasJsonTest {

    private final CanvasJson canvasJson = new CanvasJson(JsonMapper.builder().build());

    @Test
    void aStepTakesCelerysTimeLimitsInSecondsAndWritesThemBack() {
        Canvas canvas = canvasJson.parse("""
                {"chain": [{"task": "core.sleep", "soft_time_limit_s": 1.5, "time_limit_s": 2}, {"task": "core.echo", "time_limit_s": 30}]}""");

        assertThat(canvas).isEqualTo(chain(task("core.sleep").timeLimit(Duration.ofMillis(1500), Duration.ofSeconds(2)),
                task("core.echo").timeLimit(null, Duration.ofSeconds(30))));
        assertThat(canvasJson.parse(canvasJson.write(canvas))).isEqualTo(canvas);
    }

    @Test
    void badTimeLimitsAreRefusedNamingTheStep() {
        assertThatThrownBy(() -> canvasJson.parse("{\"task\": \"core.sleep\", \"time_limit_s\": -1}"))
                .isInstanceOf(InvalidCanvasException.class).hasMessage("$: a time limit is more than 0 and at most 1500 s, got -1.0 s");
        assertThatThrownBy(() -> canvasJson.parse("{\"chain\": [{\"task\": \"core.sleep\", \"time_limit_s\": 2000}]}"))
                .isInstanceOf(InvalidCanvasException.class).hasMessageStartingWith("$.chain[0]: a time limit is more than 0 and at most 1500 s");
        assertThatThrownBy(() -> canvasJson.parse("{\"task\": \"core.sleep\", \"soft_time_limit_s\": 5, \"time_limit_s\": 3}"))
                .isInstanceOf(InvalidCanvasException.class)
                .hasMessage("$: the soft time limit (5.0 s) is longer than the hard one (3.0 s)");
        assertThatThrownBy(() -> canvasJson.parse("{\"task\": \"core.sleep\", \"time_limit_s\": \"soon\"}"))
                .isInstanceOf(InvalidCanvasException.class).hasMessage("$.time_limit_s: expected a number of seconds");
    }
}
