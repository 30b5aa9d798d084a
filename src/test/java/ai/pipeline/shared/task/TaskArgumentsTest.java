package ai.pipeline.shared.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.pipeline.testsupport.TestTaskContext;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskArgumentsTest {

    static final TaskArguments SLEEP = TaskArguments.of(
            TaskArgument.integer("ms", "how long").between(0, 600_000).withDefault(0));

    static final TaskArguments OCR = TaskArguments.of(
            TaskArgument.string("path", "the file").orFromInput(),
            TaskArgument.stringList("languages", "languages").between(1, 3).matching("[a-z]+(\\+[a-z]+)*", "codes like eng"),
            TaskArgument.string("mode", "how").oneOf("fast", "best"),
            TaskArgument.number("score", "a score").between(0, 1),
            TaskArgument.bool("retryable", "retry?").withDefault(true));

    @Test
    void anUnknownArgumentIsRefusedNamingItAndWhatTheTaskTakes() {
        assertThatThrownBy(() -> SLEEP.check(Map.of("seconds", 3)))
                .isInstanceOfSatisfying(TaskFailure.class, f -> assertThat(f.reason()).isEqualTo(TaskFailure.Reason.INVALID_INPUT))
                .hasMessage("unknown argument 'seconds': it takes ms (integer)");
        assertThatThrownBy(() -> TaskArguments.none().check(Map.of("x", 1))).hasMessage("unknown argument 'x': it takes no arguments");
    }

    @Test
    void valuesMustHaveTheDeclaredJsonTypeWithoutGuessingFromStrings() {
        assertThatThrownBy(() -> SLEEP.check(Map.of("ms", "3"))).hasMessage("argument 'ms' must be an integer, got \"3\"");
        assertThatThrownBy(() -> SLEEP.check(Map.of("ms", 1.5))).hasMessage("argument 'ms' must be an integer, got 1.5");
        assertThatThrownBy(() -> OCR.check(Map.of("retryable", "false"))).hasMessageContaining("must be a boolean");
        assertThatThrownBy(() -> OCR.check(Map.of("languages", List.of("eng", 7)))).hasMessageContaining("must be a string list");
        assertThatThrownBy(() -> OCR.check(Map.of("score", Double.NaN))).hasMessageContaining("must be a number");
    }

    @Test
    void valuesAreConvertedToOneJavaTypePerArgumentType() {
        Map<String, Object> checked = SLEEP.check(Map.of("ms", 250));
        assertThat(checked.get("ms")).isEqualTo(250L);
        assertThat(SLEEP.check(Map.of("ms", 3.0)).get("ms")).isEqualTo(3L);
        assertThat(SLEEP.check(Map.of("ms", new BigDecimal("7"))).get("ms")).isEqualTo(7L);
        assertThat(OCR.check(Map.of("score", 1)).get("score")).isEqualTo(1.0);
        assertThat(OCR.check(Map.of("languages", "eng+kor")).get("languages")).isEqualTo(List.of("eng+kor"));
    }

    @Test
    void boundsAllowedValuesAndPatternsAreChecked() {
        assertThatThrownBy(() -> SLEEP.check(Map.of("ms", -1))).hasMessage("argument 'ms' must be between 0 and 600000, got -1");
        assertThatThrownBy(() -> OCR.check(Map.of("score", 1.5))).hasMessage("argument 'score' must be between 0 and 1, got 1.5");
        assertThatThrownBy(() -> OCR.check(Map.of("languages", List.of())))
                .hasMessage("argument 'languages' must be between 1 and 3 items long, got a list of 0");
        assertThatThrownBy(() -> OCR.check(Map.of("languages", List.of("eng", "../etc"))))
                .hasMessage("argument 'languages' must be codes like eng, got \"../etc\"");
        assertThatThrownBy(() -> OCR.check(Map.of("mode", "slow"))).hasMessage("argument 'mode' must be one of fast, best, got \"slow\"");
        assertThat(OCR.check(Map.of("mode", "best", "languages", List.of("eng", "kor")))).containsEntry("mode", "best");
    }

    @Test
    void aNullValueCountsAsNotGiven() {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("ms", null);
        assertThat(SLEEP.check(args)).isEmpty();
    }

    @Test
    void aDefaultMustItselfBeValid() {
        assertThatThrownBy(() -> TaskArgument.integer("n", "").between(1, 5).withDefault(9))
                .hasMessageContaining("argument 'n' must be between 1 and 5");
    }

    @Test
    void aTaskTakingOtherArgumentsStillChecksTheOnesItDeclares() {
        TaskArguments echo = TaskArguments.of(TaskArgument.integer("n", "")).allowingOthers();
        assertThat(echo.check(Map.of("anything", List.of(1)))).containsEntry("anything", List.of(1));
        assertThatThrownBy(() -> echo.check(Map.of("n", "x"))).hasMessageContaining("argument 'n' must be an integer");
    }

    @Test
    void valuesAreReadFromArgsThenForDataArgumentsFromTheInputThenTheDefault() {
        ArgumentValues fromArgs = OCR.read(context(Map.of("path", "a.png"), Map.of("path", "b.png", "mode", "fast")));
        assertThat(fromArgs.string("path")).isEqualTo("a.png");
        assertThat(fromArgs.string("mode")).as("a setting is never taken from the input").isNull();
        assertThat(fromArgs.bool("retryable")).isTrue();
        assertThat(fromArgs.isGiven("retryable")).isFalse();

        ArgumentValues fromInput = OCR.read(context(Map.of(), Map.of("path", "b.png")));
        assertThat(fromInput.requireString("path")).isEqualTo("b.png");
        assertThatThrownBy(() -> OCR.read(context(Map.of(), Map.of("path", 42))).string("path"))
                .hasMessage("the input's field 'path' must be a string, got 42");
        assertThatThrownBy(() -> OCR.read(context(Map.of(), null)).requireString("path")).hasMessage("missing argument: path");
    }

    @Test
    void aHandlerCannotReadAnArgumentItDidNotDeclare() {
        ArgumentValues values = SLEEP.read(context(Map.of(), null));
        assertThatThrownBy(() -> values.integer("seconds")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not declare");
    }

    @Test
    void aTaskDefinitionRefusesBadArgsBeforeItsHandlerRuns() throws Exception {
        TaskDefinition sleep = TaskDefinition.of("core.sleep", "", SLEEP, (context, args) -> args.integer("ms"));
        assertThat(sleep.run(context(Map.of("ms", 5), null))).isEqualTo(5L);
        assertThat(sleep.run(context(Map.of(), null))).isEqualTo(0L);
        assertThatThrownBy(() -> sleep.run(context(Map.of("seconds", 3), null))).hasMessageContaining("unknown argument 'seconds'");
    }

    private static TaskContext context(Map<String, Object> args, Object input) {
        return new TestTaskContext(args, input);
    }
}
