package ai.pipeline.orchestration.pipelines;

import static ai.pipeline.orchestration.canvas.WorkflowBuilder.chain;
import static ai.pipeline.orchestration.canvas.WorkflowBuilder.chord;
import static ai.pipeline.orchestration.canvas.WorkflowBuilder.forEach;
import static ai.pipeline.orchestration.canvas.WorkflowBuilder.group;
import static ai.pipeline.orchestration.canvas.WorkflowBuilder.onFailure;
import static ai.pipeline.orchestration.canvas.WorkflowBuilder.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.pipeline.orchestration.canvas.Canvas;
import ai.pipeline.orchestration.canvas.ChordPolicy;
import ai.pipeline.orchestration.pipelines.PipelineDefinition.Origin;
import ai.pipeline.orchestration.pipelines.PipelineDefinition.Stage;
import ai.pipeline.shared.task.TaskArgument;
import ai.pipeline.shared.task.TaskArguments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Pipelines written as Camel routes (YAML and Java DSL) compile to the canvas they describe, or are refused precisely. */
class PipelineRouteCompilerTest {

    /** The tasks these routes use, with the arguments the real ones declare where a test needs them. */
    private static final Map<String, TaskArguments> TASKS = Map.of(
            "core.echo", TaskArguments.none().allowingOthers(),
            "core.sleep", TaskArguments.of(TaskArgument.integer("ms", "how long").between(0, 600_000).withDefault(0)),
            "llm.summarize", TaskArguments.of(TaskArgument.integer("max_sentences", "sentences").between(1, 50),
                    TaskArgument.stringList("languages", "languages")),
            "ocr.split_pages", TaskArguments.none(),
            "ocr.extract_page", TaskArguments.none(),
            "ocr.merge_pages", TaskArguments.none(),
            "llm.analyze_clauses", TaskArguments.none());

    private final PipelineRouteFiles files = new PipelineRouteFiles(new PipelineRouteCompiler(
            name -> Optional.ofNullable(TASKS.get(name))));

    @Test
    void aChainOfTasksWithArgumentsRetryAndImmutableSignatures() {
        PipelineDefinition pipeline = compile("demo", """
                - route:
                    description: sleeps, then echoes
                    from:
                      uri: pipeline:demo
                      parameters:
                        input: document
                      steps:
                        - to: task:core.sleep?ms=50&retryMax=4&retryBackoff=2s
                        - to:
                            uri: task:llm.summarize
                            parameters:
                              maxSentences: 3
                              languages: eng,kor
                        - to: task:core.echo?immutable=true&note=hello
                """);

        assertThat(pipeline.name()).isEqualTo("demo");
        assertThat(pipeline.description()).isEqualTo("sleeps, then echoes");
        assertThat(pipeline.inputs()).containsExactly(InputKind.DOCUMENT);
        assertThat(pipeline.canvas()).isEqualTo(chain(
                task("core.sleep").arg("ms", 50L).retry(4, Duration.ofSeconds(2)),
                task("llm.summarize").arg("max_sentences", 3L).arg("languages", List.of("eng", "kor")),
                task("core.echo").arg("note", "hello").asImmutable()));
        assertThat(pipeline.source().file()).isEqualTo("demo.camel.yaml");
        assertThat(pipeline.source().text()).contains("pipeline:demo");
    }

    @Test
    void aMulticastAtTheEndIsAGroupAndAMulticastFollowedByAStepIsAChordWithThatBody() {
        PipelineDefinition pipeline = compile("fan", """
                - from:
                    uri: pipeline:fan
                    description: both ways
                    parameters:
                      input: image,document
                    steps:
                      - multicast:
                          stopOnException: false
                          timeout: 90s
                          steps:
                            - to: task:core.echo
                            - pipeline:
                                steps:
                                  - to: task:core.sleep
                                  - to: task:core.echo
                      - to: task:core.echo
                      - multicast:
                          steps:
                            - to: task:ocr.merge_pages
                            - to: task:llm.summarize
                """);

        assertThat(pipeline.inputs()).containsExactly(InputKind.IMAGE, InputKind.DOCUMENT);
        assertThat(pipeline.description()).isEqualTo("both ways");
        assertThat(pipeline.canvas()).isEqualTo(chain(
                chord(task("core.echo"), chain(task("core.sleep"), task("core.echo")))
                        .policy(ChordPolicy.ALL_SETTLED).timeout(Duration.ofSeconds(90)).then(task("core.echo")),
                group(task("ocr.merge_pages"), task("llm.summarize"))));
    }

    @Test
    void aSplitOverAJsonPathIsAForEachOverThatList() {
        PipelineDefinition pipeline = compile("pages", """
                - from:
                    uri: pipeline:pages?input=document
                    steps:
                      - to: task:ocr.split_pages
                      - split:
                          jsonpath: $.pages
                          steps:
                            - to: task:ocr.extract_page
                """);

        assertThat(pipeline.canvas()).isEqualTo(chain(task("ocr.split_pages"), forEach("pages", task("ocr.extract_page"))));
    }

    @Test
    void idsOnTopLevelStepsNameStagesAtTheirPlaceInTheChain() {
        PipelineDefinition pipeline = compile("staged", """
                - from:
                    uri: pipeline:staged?input=image
                    steps:
                      - to:
                          id: first
                          description: one task
                          uri: task:core.echo
                      - multicast:
                          id: second
                          steps:
                            - to: task:core.echo
                            - to: task:core.sleep
                      - to: task:core.echo
                      - pipeline:
                          id: third
                          description: a chain of two
                          steps:
                            - to: task:core.echo
                            - to: task:core.echo
                """);

        assertThat(pipeline.stages()).containsExactly(new Stage("first", "0", "one task"), new Stage("second", "1", ""),
                new Stage("third", "2", "a chain of two"));
        assertThat(pipeline.canvas()).isEqualTo(chain(task("core.echo"),
                chord(task("core.echo"), task("core.sleep")).then(task("core.echo")),
                chain(task("core.echo"), task("core.echo"))));
    }

    @Test
    void theJavaDslSaysTheSameAsTheYamlDsl() {
        RouteBuilder routes = new RouteBuilder() {
            @Override
            public void configure() {
                from("pipeline:fan?input=image,document").description("both ways")
                        .multicast().stopOnException().timeout(90_000)
                            .to("task:core.echo")
                            .pipeline().to("task:core.sleep?ms=5").to("task:core.echo").end()
                        .end()
                        .to("task:core.echo")
                        .split(jsonpath("$.pages")).to("task:ocr.extract_page").end();
            }
        };

        List<PipelineDefinition> pipelines = files.compile(routes);

        assertThat(pipelines).singleElement().satisfies(pipeline -> {
            assertThat(pipeline.name()).isEqualTo("fan");
            assertThat(pipeline.inputs()).containsExactly(InputKind.IMAGE, InputKind.DOCUMENT);
            assertThat(pipeline.canvas()).isEqualTo(chain(
                    chord(task("core.echo"), chain(task("core.sleep").arg("ms", 5L), task("core.echo")))
                            .timeout(Duration.ofSeconds(90)).then(task("core.echo")),
                    forEach("pages", task("ocr.extract_page"))));
        });
    }

    /** The README's tour and the pipelines reference both show it. */
    @ParameterizedTest
    @ValueSource(strings = {"README.md", "docs/pipelines.md"})
    void theDocumentedExampleCompilesToTheCanvasItDescribes(String document) throws IOException {
        String text = Files.readString(Path.of(document));
        int start = text.indexOf("# data/pipelines/ocr-and-summary.camel.yaml");
        assertThat(start).as("the example in %s", document).isNotNegative();
        String yaml = text.substring(start, text.indexOf("```", start));

        PipelineDefinition pipeline = compile("ocr-and-summary", yaml);

        assertThat(pipeline.canvas()).isEqualTo(chain(task("ocr.split_pages"), forEach("pages", task("ocr.extract_page")),
                task("ocr.merge_pages"),
                chord(task("core.echo"), task("llm.summarize").arg("max_sentences", 3L).retry(5, Duration.ofSeconds(2)),
                        task("llm.analyze_clauses")).timeout(Duration.ofMinutes(5)).then(task("core.echo"))));
    }

    @Test
    void yamlThatIsNotYamlIsRefusedWithItsLine() {
        assertRefused("demo", """
                - from:
                    uri: pipeline:demo?input=document
                    steps:
                      - to: [task:core.echo
                """, 5, "not valid YAML");
    }

    @Test
    void anUnknownEipIsRefusedByCamelWithItsLine() {
        assertRefused("demo", """
                - from:
                    uri: pipeline:demo?input=document
                    steps:
                      - bogus: task:core.echo
                """, 4, "Unknown node id: bogus");
    }

    @Test
    void timeLimitsAreStepOptionsAndBadOnesAreRefused() {
        PipelineDefinition pipeline = compile("demo", steps("- to: task:core.sleep?ms=50&softTimeLimit=2s&timeLimit=3s"));
        assertThat(pipeline.canvas()).isEqualTo(task("core.sleep").arg("ms", 50L).timeLimit(Duration.ofSeconds(2), Duration.ofSeconds(3)));

        assertRefused("demo", steps("- to: task:core.sleep?softTimeLimit=5s&timeLimit=3s"), 4,
                "task core.sleep: the soft time limit (5.0 s) is longer than the hard one (3.0 s)");
        assertRefused("demo", steps("- to: task:core.sleep?timeLimit=2h"), 4, "a time limit is more than 0 and at most 1500 s");
        assertRefused("demo", steps("- to: task:core.sleep?timeLimit=soon"), 4, "timeLimit must be a duration");
    }

    @Test
    void anUnknownTaskIsRefused() {
        assertRefused("demo", steps("- to: task:ocr.nope"), 4, "unknown task 'ocr.nope'");
    }

    @Test
    void anArgumentTheTaskDoesNotDeclareIsRefusedNamingWhatItTakes() {
        assertRefused("demo", steps("- to: task:core.sleep?seconds=3"), 4,
                "task core.sleep: unknown argument 'seconds': it takes ms (integer)");
    }

    @Test
    void aMistypedOrOutOfBoundsArgumentIsRefused() {
        assertRefused("demo", steps("- to: task:core.sleep?ms=soon"), 4, "argument 'ms' must be an integer, got \"soon\"");
        assertRefused("demo", steps("- to: task:core.sleep?ms=-1"), 4, "argument 'ms' must be between 0 and 600000");
        assertRefused("demo", steps("- to: task:core.sleep?retryMax=0"), 4, "retryMax must be a whole number of at least 1");
    }

    @Test
    void aSplitWithoutAJsonPathToAListIsRefused() {
        assertRefused("demo", steps("""
                - split:
                    steps:
                      - to: task:ocr.extract_page"""), 4, "a split needs a jsonpath expression");
        assertRefused("demo", steps("""
                - split:
                    simple: ${body}
                    steps:
                      - to: task:ocr.extract_page"""), 4, "a split needs a jsonpath expression");
        assertRefused("demo", steps("""
                - split:
                    jsonpath: $..pages[0]
                    steps:
                      - to: task:ocr.extract_page"""), 4, "must name a list at the top of the previous result");
        assertRefused("demo", steps("""
                - split:
                    jsonpath: $.pages
                    steps:
                      - to: task:ocr.extract_page
                      - to: task:core.echo"""), 4, "a split's steps must be exactly one to: task:<name>");
    }

    @Test
    void stepsThatAreNotPartOfTheVocabularyAreRefused() {
        assertRefused("demo", steps("- log: hello"), 4, "'log' is not a pipeline step");
        assertRefused("demo", steps("- to: log:hello"), 4, "expected task:<name>, got 'log:hello'");
        assertRefused("demo", steps("""
                - multicast:
                    aggregationStrategy: "#myStrategy"
                    steps:
                      - to: task:core.echo
                - to: task:core.echo"""), 4, "aggregationStrategy and onPrepare do not apply");
    }

    @Test
    void chordOptionsOnAGroupAreRefused() {
        assertRefused("demo", steps("""
                - multicast:
                    timeout: 5s
                    steps:
                      - to: task:core.echo"""), 4, "stopOnException and timeout are a chord's options");
    }

    @Test
    void theDeclarationMustNameThePipelineAndItsInput() {
        assertRefused("demo", """
                - from:
                    uri: timer:demo
                    steps:
                      - to: task:core.echo
                """, 1, "expected pipeline:<name>, got 'timer:demo'");
        assertRefused("demo", """
                - from:
                    uri: pipeline:demo
                    steps:
                      - to: task:core.echo
                """, 1, "needs the parameter input");
        assertRefused("demo", """
                - from:
                    uri: pipeline:demo?input=audio
                    steps:
                      - to: task:core.echo
                """, 1, "input 'audio' is not document or image");
        assertRefused("demo", """
                - from:
                    uri: pipeline:Demo_1?input=image
                    steps:
                      - to: task:core.echo
                """, 1, "must be lower-case words joined by dashes");
    }

    @Test
    void aFileIsNamedAfterItsPipelineAndHoldsOneRoute() {
        assertThatThrownBy(() -> files.compile("other.camel.yaml", steps("- to: task:core.echo"), Origin.PIPELINES_DIR))
                .isInstanceOfSatisfying(PipelineRouteException.class, e -> assertThat(e.problem())
                        .contains("a route file is named after its pipeline: demo.camel.yaml"));
        assertRefused("demo", steps("- to: task:core.echo") + steps("- to: task:core.echo"), 1,
                "a pipeline file holds a list of exactly one route");
        assertRefused("demo", """
                - beans:
                    - name: x
                      type: java.lang.Object
                """, 1, "'beans' has no place in a pipeline file");
    }

    @Test
    void anIdOnlyNamesAStageOnTheTopLevelChain() {
        assertRefused("demo", steps("""
                - multicast:
                    steps:
                      - to:
                          id: inner
                          uri: task:core.echo
                - to: task:core.echo"""), 6, "'inner' is nested");
        assertRefused("demo", steps("""
                - multicast:
                    steps:
                      - to: task:core.echo
                - to:
                    id: body
                    uri: task:core.echo"""), 7, "the step after a multicast is the chord's body");
    }

    @Test
    void anOnCompletionOnFailureOnlyIsThePipelinesOnFailureCanvasInYamlAndJava() {
        PipelineDefinition pipeline = compile("compensated", """
                - from:
                    uri: pipeline:compensated?input=document
                    steps:
                      - onCompletion:
                          onFailureOnly: true
                          steps:
                            - to: task:core.echo?note=cleanup
                            - to: task:core.sleep?ms=5
                      - to:
                          id: first
                          uri: task:core.echo
                      - to:
                          id: second
                          uri: task:ocr.split_pages
                """);

        assertThat(pipeline.canvas()).isEqualTo(onFailure(chain(task("core.echo"), task("ocr.split_pages")),
                chain(task("core.echo").arg("note", "cleanup"), task("core.sleep").arg("ms", 5L))));
        assertThat(pipeline.stages()).extracting(Stage::node).containsExactly("0", "1");

        RouteBuilder routes = new RouteBuilder() {
            @Override
            public void configure() {
                from("pipeline:java?input=image")
                        .onCompletion().onFailureOnly().to("task:core.echo").end()
                        .to("task:ocr.split_pages");
            }
        };
        assertThat(files.compile(routes)).singleElement().satisfies(java ->
                assertThat(java.canvas()).isEqualTo(onFailure(task("ocr.split_pages"), task("core.echo"))));
    }

    @Test
    void anOnCompletionThatIsNotOnFailureOnlyTwoOfThemOrOneNestedIsRefusedWithItsLine() {
        assertRefused("demo", steps("""
                - onCompletion:
                    steps:
                      - to: task:core.echo
                - to: task:core.echo"""), 4, "a pipeline's onCompletion takes onFailureOnly: true and steps");
        assertRefused("demo", steps("""
                - onCompletion:
                    onFailureOnly: true
                    steps:
                      - to: task:nope.task
                - to: task:core.echo"""), 7, "unknown task 'nope.task'");
        assertRefused("demo", steps("""
                - onCompletion:
                    onFailureOnly: true
                    steps:
                      - to: task:core.echo
                - onCompletion:
                    onFailureOnly: true
                    steps:
                      - to: task:core.echo
                - to: task:core.echo"""), 8, "a pipeline has one onCompletion");
        assertRefused("demo", steps("""
                - onCompletion:
                    onFailureOnly: true
                    steps:
                      - onCompletion:
                          onFailureOnly: true
                          steps:
                            - to: task:core.echo
                - to: task:core.echo"""), 7, "an on-failure canvas has none of its own");
        assertRefused("demo", steps("""
                - onCompletion:
                    onFailureOnly: true
                    steps:
                      - to: task:core.echo"""), 1, "has no steps");
    }

    /** {@code - from: pipeline:demo} (line 1) with {@code steps} (given from column 0), whose first step is on line 4. */
    private static String steps(String steps) {
        return """
                - from:
                    uri: pipeline:demo?input=document
                    steps:
                """ + steps.indent(6);
    }

    private PipelineDefinition compile(String name, String yaml) {
        return files.compile(name + PipelineRouteFiles.SUFFIX, yaml, Origin.PIPELINES_DIR);
    }

    private void assertRefused(String name, String yaml, int line, String problem) {
        assertThatThrownBy(() -> compile(name, yaml)).isInstanceOfSatisfying(PipelineRouteException.class, e -> {
            assertThat(e.file()).isEqualTo(name + PipelineRouteFiles.SUFFIX);
            assertThat(e.problem()).contains(problem);
            assertThat(e.line()).isEqualTo(line);
            assertThat(e.getMessage()).startsWith(name + ".camel.yaml, line " + line + ": ");
        });
    }
}
