package ai.pipeline.orchestration.canvas;

import static ai.pipeline.orchestration.canvas.WorkflowBuilder.chain;
import static ai.pipeline.orchestration.canvas.WorkflowBuilder.onFailure;
import static ai.pipeline.orchestration.canvas.WorkflowBuilder.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.pipeline.shared.task.TaskArguments;
import java.time.Duration;
import java.util.Optional;
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

    @Test
    void theWholeCanvasTakesAnOnFailureCanvasAndWritesItBack() {
        Canvas canvas = canvasJson.parse("""
                {"chain": [{"task": "core.echo"}, {"task": "core.fail"}],
                 "on_failure": {"chain": [{"task": "core.remove_run_files"}, {"task": "core.echo", "args": {"n": 1}}]}}""");

        assertThat(canvas).isEqualTo(onFailure(chain(task("core.echo"), task("core.fail")),
                chain(task("core.remove_run_files"), task("core.echo").arg("n", 1))));
        assertThat(canvas.tasks()).extracting(Canvas.Task::name)
                .containsExactly("core.echo", "core.fail", "core.remove_run_files", "core.echo");
        assertThat(canvasJson.parse(canvasJson.write(canvas))).isEqualTo(canvas);
        assertThat(canvasJson.parse("{\"task\": \"core.fail\", \"on_failure\": {\"task\": \"core.echo\"}}"))
                .isEqualTo(onFailure(task("core.fail"), task("core.echo")));
    }

    @Test
    void anOnFailureThatIsNoCanvasOnOneStepOrInsideAnOnFailureIsRefusedNamingIt() {
        assertThatThrownBy(() -> canvasJson.parse("{\"task\": \"core.fail\", \"on_failure\": \"core.echo\"}"))
                .isInstanceOf(InvalidCanvasException.class).hasMessageStartingWith("$.on_failure: expected a canvas");
        assertThatThrownBy(() -> canvasJson.parse("{\"task\": \"core.fail\", \"on_failure\": {\"task\": 3}}"))
                .isInstanceOf(InvalidCanvasException.class).hasMessage("$.on_failure.task: expected a task name");
        assertThatThrownBy(() -> canvasJson.parse("{\"chain\": [{\"task\": \"core.fail\", \"on_failure\": {\"task\": \"core.echo\"}}]}"))
                .isInstanceOf(InvalidCanvasException.class)
                .hasMessage("$.chain[0].on_failure: on_failure is taken by the whole canvas only (at $), not by one step");
        assertThatThrownBy(() -> canvasJson.parse("{\"task\": \"core.fail\", \"on_failure\": "
                + "{\"task\": \"core.echo\", \"on_failure\": {\"task\": \"core.echo\"}}}"))
                .isInstanceOf(InvalidCanvasException.class)
                .hasMessage("$.on_failure.on_failure: an on-failure canvas has no on_failure of its own");
    }

    @Test
    void theValidatorChecksTheOnFailureCanvasTasksAndRefusesOneNested() {
        CanvasValidator validator = new CanvasValidator(name -> name.startsWith("core.")
                ? Optional.of(TaskArguments.none()) : Optional.empty(), 8, 100);
        validator.validate(onFailure(task("core.fail"), chain(task("core.remove_run_files"))));
        assertThatThrownBy(() -> validator.validate(onFailure(task("core.fail"), chain(task("core.echo"), task("nope.task")))))
                .isInstanceOf(InvalidCanvasException.class).hasMessage("$.on_failure.chain[1]: unknown task 'nope.task'");
        assertThatThrownBy(() -> validator.validate(onFailure(task("core.fail"), onFailure(task("core.echo"), task("core.echo")))))
                .isInstanceOf(InvalidCanvasException.class)
                .hasMessage("$.on_failure.on_failure: an on-failure canvas has no on_failure of its own");
        assertThatThrownBy(() -> validator.validate(chain(task("core.echo"), onFailure(task("core.fail"), task("core.echo")))))
                .isInstanceOf(InvalidCanvasException.class)
                .hasMessage("$.chain[1].on_failure: on_failure is taken by the whole canvas only (at $), not by one step");
    }
}
