package ai.pipeline.orchestration.canvas;

import static ai.pipeline.orchestration.canvas.WorkflowBuilder.chain;
import static ai.pipeline.orchestration.canvas.WorkflowBuilder.chord;
import static ai.pipeline.orchestration.canvas.WorkflowBuilder.forEach;
import static ai.pipeline.orchestration.canvas.WorkflowBuilder.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.pipeline.shared.task.TaskArgument;
import ai.pipeline.shared.task.TaskArguments;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Pipeline options reaching the steps that declare them, and the canvas check of every step's args. */
class CanvasOptionsTest {

    static final Map<String, TaskArguments> TASKS = Map.of(
            "ocr.split_pages", TaskArguments.of(TaskArgument.string("path", "").orFromInput(),
                    TaskArgument.string("pages", "").between(1, 20)),
            "ocr.extract_page", TaskArguments.of(TaskArgument.integer("page", "").orFromInput(),
                    TaskArgument.stringList("languages", "")),
            "llm.summarize", TaskArguments.of(TaskArgument.integer("max_sentences", "").between(1, 100)),
            "core.echo", TaskArguments.none().allowingOthers());

    final CanvasOptions options = new CanvasOptions(name -> Optional.ofNullable(TASKS.get(name)));
    final CanvasValidator validator = new CanvasValidator(name -> Optional.ofNullable(TASKS.get(name)), 10, 100);

    final Canvas document = chain(task("ocr.split_pages"), forEach("pages", task("ocr.extract_page")),
            chord(task("core.echo"), task("llm.summarize")).then(task("core.echo")));

    @Test
    void eachOptionReachesEveryStepThatDeclaresItAndNoOther() {
        Canvas.Chain given = (Canvas.Chain) options.apply("document", document,
                Map.of("pages", "1-2", "languages", "kor", "max_sentences", 2));

        assertThat(((Canvas.Task) given.steps().get(0)).args()).containsExactly(Map.entry("pages", "1-2"));
        assertThat(((Canvas.ForEach) given.steps().get(1)).task().args()).containsExactly(Map.entry("languages", List.of("kor")));
        Canvas.Chord chord = (Canvas.Chord) given.steps().get(2);
        assertThat(((Canvas.Task) chord.header().get(0)).args()).as("core.echo declares no settings").isEmpty();
        assertThat(((Canvas.Task) chord.header().get(1)).args()).containsExactly(Map.entry("max_sentences", 2L));
        assertThat(((Canvas.Task) chord.body()).args()).isEmpty();
    }

    @Test
    void noOptionsLeaveTheCanvasAsItIs() {
        assertThat(options.apply("document", document, Map.of())).isSameAs(document);
    }

    @Test
    void anOptionNoStepTakesIsRefusedNamingItAndTheOptionsThereAre() {
        assertThatThrownBy(() -> options.apply("document", document, Map.of("seconds", 3)))
                .hasMessage("unknown option 'seconds': no step of document takes it; its options are pages (string), "
                        + "languages (string list), max_sentences (integer)");
    }

    @Test
    void dataArgumentsAreNotOptions() {
        assertThat(options.offered(document)).containsOnlyKeys("pages", "languages", "max_sentences");
        assertThatThrownBy(() -> options.apply("document", document, Map.of("path", "elsewhere.pdf")))
                .hasMessageStartingWith("unknown option 'path'");
    }

    @Test
    void anOptionOfTheWrongTypeOrOutOfBoundsIsRefusedNamingTheStepThatTakesIt() {
        assertThatThrownBy(() -> options.apply("document", document, Map.of("max_sentences", 0)))
                .hasMessage("option 'max_sentences' must be between 1 and 100, got 0 (for llm.summarize)");
        assertThatThrownBy(() -> options.apply("document", document, Map.of("pages", 2)))
                .hasMessage("option 'pages' must be a string, got 2 (for ocr.split_pages)");
    }

    @Test
    void aCanvasStepWithAnUnknownOrMistypedArgumentIsInvalidNamingTheNodeAndTask() {
        assertThatThrownBy(() -> validator.validate(chain(task("core.echo").arg("anything", 1),
                task("llm.summarize").arg("seconds", 3))))
                .isInstanceOf(InvalidCanvasException.class)
                .hasMessage("$.chain[1] (llm.summarize): unknown argument 'seconds': it takes max_sentences (integer)");
        assertThatThrownBy(() -> validator.validate(forEach("pages", task("ocr.extract_page").arg("page", "one"))))
                .hasMessage("$.map.task (ocr.extract_page): argument 'page' must be an integer, got \"one\"");
    }
}
