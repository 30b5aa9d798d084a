package ai.pipeline.orchestration.pipelines;

import ai.pipeline.orchestration.canvas.Canvas;
import ai.pipeline.orchestration.canvas.ChordPolicy;
import ai.pipeline.orchestration.pipelines.PipelineDefinition.RouteSource;
import ai.pipeline.orchestration.pipelines.PipelineDefinition.Stage;
import ai.pipeline.shared.task.TaskArgument;
import ai.pipeline.shared.task.TaskArguments;
import ai.pipeline.shared.task.TaskFailure;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.model.FromDefinition;
import org.apache.camel.model.MulticastDefinition;
import org.apache.camel.model.OnCompletionDefinition;
import org.apache.camel.model.OptionalIdentifiedDefinition;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SplitDefinition;
import org.apache.camel.model.ToDefinition;
import org.apache.camel.model.language.ExpressionDefinition;
import org.apache.camel.util.TimeUtils;
import org.apache.camel.util.URISupport;

/**
 * Compiles a pipeline written as a Camel route (YAML or Java DSL, parsed into Camel's route model)
 * into the canvas the engine runs. The vocabulary:
 * <ul>
 * <li>{@code from: pipeline:<name>?input=document|image|image,document} names the pipeline and the
 *     input it takes; the route's (or the {@code from}'s) description describes it;</li>
 * <li>{@code to: task:<task>?<argument>=<value>} is one task; options are the task's declared
 *     arguments (snake_case or camelCase), plus {@code retryMax}, {@code retryBackoff} (millis or
 *     {@code 500ms}), {@code softTimeLimit} and {@code timeLimit} (durations, as Celery's
 *     {@code soft_time_limit} and {@code time_limit}) and {@code immutable};</li>
 * <li>{@code multicast} is a group; the step after it in the same chain is the chord's body, and
 *     its {@code stopOnException} (unset or true: fail_fast, false: all_settled) and {@code timeout}
 *     (the chord's deadline) are the chord's options;</li>
 * <li>{@code split} with {@code jsonpath: $.<key>} and one {@code to} runs that task per element of
 *     the list at {@code <key>} of the previous result;</li>
 * <li>{@code pipeline} nests a chain;</li>
 * <li>an {@code id} on a step of the top-level chain names a stage (its description describes it);</li>
 * <li>{@code onCompletion} with {@code onFailureOnly: true}, one per pipeline, in the top-level steps:
 *     its steps are the pipeline's on-failure canvas (Celery's {@code link_error}), run once if the
 *     pipeline fails.</li>
 * </ul>
 * Anything else is refused with the file, the line and what is wrong: a pipeline that compiles
 * runs exactly as its canvas says.
 */
public final class PipelineRouteCompiler {

    static final String RETRY_MAX = "retryMax";
    static final String RETRY_BACKOFF = "retryBackoff";
    static final String TIME_LIMIT = "timeLimit";
    static final String SOFT_TIME_LIMIT = "softTimeLimit";
    static final String IMMUTABLE = "immutable";

    /** Lower-case words joined by dashes: a pipeline name is also a URL segment and an inbox folder. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    private static final Pattern LIST_KEY = Pattern.compile("\\$\\.([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern CAMEL_HUMP = Pattern.compile("([a-z0-9])([A-Z])");
    private static final String STEPS = "a pipeline's steps are to: task:<name>, multicast, split and pipeline";

    private final Function<String, Optional<TaskArguments>> declaredArguments;

    /** {@code declaredArguments}: a registered task's arguments by task name, empty for an unknown task. */
    public PipelineRouteCompiler(Function<String, Optional<TaskArguments>> declaredArguments) {
        this.declaredArguments = declaredArguments;
    }

    /** The pipeline {@code route} declares; {@code source} names the file in errors (and may be null for Java routes). */
    public PipelineDefinition compile(RouteDefinition route, RouteSource source) {
        return new Compilation(source == null ? "route" : source.file()).pipeline(route, source);
    }

    /** One route's compilation: knows the file to name in errors. */
    private final class Compilation {

        private final String file;

        Compilation(String file) {
            this.file = file;
        }

        PipelineDefinition pipeline(RouteDefinition route, RouteSource source) {
            FromDefinition from = route.getInput();
            if (from == null) {
                throw error(route, "a pipeline route needs from: pipeline:<name>");
            }
            String uri = from.getEndpointUri();
            String name = path(from, uri, "pipeline");
            if (!NAME.matcher(name).matches()) {
                throw error(from, "pipeline name '" + name + "' must be lower-case words joined by dashes, e.g. my-pipeline");
            }
            if (route.hasCustomIdAssigned() && !route.getId().equals(name)) {
                throw error(route, "the route id '" + route.getId() + "' differs from the pipeline's name '" + name
                        + "': leave the id out or make it the name");
            }
            Map<String, Object> parameters = new LinkedHashMap<>(query(from, uri));
            Object input = parameters.remove("input");
            if (!parameters.isEmpty()) {
                throw error(from, "unknown parameter '" + parameters.keySet().iterator().next()
                        + "' of pipeline:" + name + ": it takes input (document, image or image,document)");
            }
            List<InputKind> inputs = inputs(from, input);
            String description = route.getDescription() != null ? route.getDescription() : from.getDescription();
            List<ProcessorDefinition<?>> outputs = new ArrayList<>(route.getOutputs());
            Canvas onFailure = onFailure(outputs);
            if (outputs.isEmpty()) {
                throw error(from, "pipeline:" + name + " has no steps; " + STEPS);
            }
            List<Step> steps = chain(outputs);
            List<Stage> stages = new ArrayList<>();
            for (int i = 0; i < steps.size(); i++) {
                ProcessorDefinition<?> head = steps.get(i).head();
                if (head.hasCustomIdAssigned()) {
                    stages.add(new Stage(head.getId(), String.valueOf(i), head.getDescription() == null ? "" : head.getDescription()));
                }
            }
            if (!stages.isEmpty() && steps.size() < 2) {
                throw error(steps.get(0).head(), "an id names a stage, a step of the pipeline's top-level chain; "
                        + "a pipeline of one step has no stages");
            }
            Canvas canvas = onFailure == null ? canvasOf(steps) : new Canvas.OnFailure(canvasOf(steps), onFailure);
            return new PipelineDefinition(name, description == null ? "" : description, canvas, inputs, stages, source);
        }

        /**
         * Takes the pipeline's {@code onCompletion} out of its top-level steps and compiles its steps,
         * the on-failure canvas; null when it has none. Only {@code onFailureOnly: true} and steps:
         * Camel's other options (onWhen, mode, useOriginalMessage, …) have no meaning for a pipeline.
         */
        private Canvas onFailure(List<ProcessorDefinition<?>> outputs) {
            List<OnCompletionDefinition> found = outputs.stream().filter(OnCompletionDefinition.class::isInstance)
                    .map(OnCompletionDefinition.class::cast).toList();
            if (found.isEmpty()) {
                return null;
            }
            OnCompletionDefinition onCompletion = found.get(0);
            if (found.size() > 1) {
                throw error(found.get(1), "a pipeline has one onCompletion (its on-failure steps)");
            }
            if (!"true".equals(onCompletion.getOnFailureOnly()) || "true".equals(onCompletion.getOnCompleteOnly())
                    || onCompletion.getOnWhen() != null || onCompletion.getMode() != null
                    || onCompletion.getUseOriginalMessage() != null || onCompletion.getParallelProcessing() != null
                    || onCompletion.getExecutorService() != null) {
                throw error(onCompletion, "a pipeline's onCompletion takes onFailureOnly: true and steps (the on-failure "
                        + "canvas, run once if the pipeline fails), no other option");
            }
            if (onCompletion.getOutputs().isEmpty()) {
                throw error(onCompletion, "the onCompletion has no steps; " + STEPS);
            }
            outputs.remove(onCompletion);
            List<Step> steps = chain(onCompletion.getOutputs());
            steps.forEach(step -> refuseId(step.head()));
            return canvasOf(steps);
        }

        private List<InputKind> inputs(FromDefinition from, Object input) {
            if (!(input instanceof String text) || text.isBlank()) {
                throw error(from, "pipeline: needs the parameter input: document, image or image,document "
                        + "(the input files it takes)");
            }
            List<InputKind> kinds = new ArrayList<>();
            for (String kind : text.split(",")) {
                try {
                    InputKind parsed = InputKind.valueOf(kind.trim().toUpperCase(Locale.ROOT));
                    if (!kinds.contains(parsed)) {
                        kinds.add(parsed);
                    }
                } catch (IllegalArgumentException e) {
                    throw error(from, "input '" + kind.trim() + "' is not document or image");
                }
            }
            return kinds;
        }

        /**
         * The steps of a chain, each compiled, a multicast followed by a step folded into a chord
         * whose body is that step (from the end, so a multicast followed by a multicast and a task
         * is a chord whose body is a chord).
         */
        private List<Step> chain(List<ProcessorDefinition<?>> definitions) {
            List<Step> compiled = new ArrayList<>();
            for (int i = definitions.size() - 1; i >= 0; i--) {
                ProcessorDefinition<?> definition = definitions.get(i);
                if (definition instanceof MulticastDefinition multicast && !compiled.isEmpty()) {
                    Step body = compiled.remove(0);
                    if (body.head().hasCustomIdAssigned()) {
                        throw error(body.head(), "the step after a multicast is the chord's body, part of the multicast's "
                                + "step: give the id (the stage's name) to the multicast, or wrap both in a pipeline");
                    }
                    compiled.add(0, new Step(multicast, chord(multicast, body.canvas())));
                } else {
                    compiled.add(0, new Step(definition, step(definition)));
                }
            }
            return compiled;
        }

        private Canvas canvasOf(List<Step> steps) {
            return steps.size() == 1 ? steps.get(0).canvas() : new Canvas.Chain(steps.stream().map(Step::canvas).toList());
        }

        private Canvas step(ProcessorDefinition<?> definition) {
            if (definition instanceof ToDefinition to) {
                return task(to);
            } else if (definition instanceof MulticastDefinition multicast) {
                if (multicast.getTimeout() != null || "false".equals(multicast.getStopOnException())) {
                    throw error(multicast, "stopOnException and timeout are a chord's options: put the step that "
                            + "gets the results (the chord's body) after the multicast");
                }
                return new Canvas.Group(members(multicast));
            } else if (definition instanceof SplitDefinition split) {
                return forEach(split);
            } else if (definition instanceof org.apache.camel.model.PipelineDefinition pipeline) {
                if (pipeline.getOutputs().isEmpty()) {
                    throw error(pipeline, "the pipeline has no steps; " + STEPS);
                }
                List<Step> steps = chain(pipeline.getOutputs());
                steps.forEach(step -> refuseId(step.head()));
                return canvasOf(steps);
            } else if (definition instanceof OnCompletionDefinition) {
                throw error(definition, "onCompletion (the on-failure steps) belongs to the pipeline's top-level steps, "
                        + "and an on-failure canvas has none of its own");
            }
            throw error(definition, "'" + definition.getShortName() + "' is not a pipeline step; " + STEPS);
        }

        private Canvas.Chord chord(MulticastDefinition multicast, Canvas body) {
            ChordPolicy policy = switch (multicast.getStopOnException() == null ? "true" : multicast.getStopOnException()) {
                case "true" -> ChordPolicy.FAIL_FAST;
                case "false" -> ChordPolicy.ALL_SETTLED;
                default -> throw error(multicast, "stopOnException must be true (fail_fast, the default) or false "
                        + "(all_settled), got '" + multicast.getStopOnException() + "'");
            };
            Duration timeout = null;
            if (multicast.getTimeout() != null) {
                try {
                    timeout = Duration.ofMillis(TimeUtils.toMilliSeconds(multicast.getTimeout()));
                } catch (IllegalArgumentException e) {
                    throw error(multicast, "timeout must be a duration (300000 in milliseconds, 5m, 30s), got '"
                            + multicast.getTimeout() + "'");
                }
                if (timeout.toSeconds() < 1) {
                    throw error(multicast, "timeout must be at least 1s, got '" + multicast.getTimeout() + "'");
                }
            }
            return new Canvas.Chord(members(multicast), body, policy, timeout);
        }

        private List<Canvas> members(MulticastDefinition multicast) {
            if (multicast.getAggregationStrategy() != null || multicast.getOnPrepare() != null) {
                throw error(multicast, "aggregationStrategy and onPrepare do not apply to a pipeline: a multicast's "
                        + "result is always the list of its steps' results, in step order");
            }
            if (multicast.getOutputs().isEmpty()) {
                throw error(multicast, "the multicast has no steps; " + STEPS);
            }
            // every step of a multicast is one member: a chain of several is a nested pipeline
            return multicast.getOutputs().stream().map(member -> {
                refuseId(member);
                return step(member);
            }).toList();
        }

        private Canvas.ForEach forEach(SplitDefinition split) {
            ExpressionDefinition expression = split.getExpression();
            if (expression == null || !"jsonpath".equals(expression.getLanguage())) {
                throw error(split, "a split needs a jsonpath expression naming the list in the previous result, "
                        + "e.g. jsonpath: $.pages" + (expression == null ? "" : "; got " + expression.getLanguage()));
            }
            Matcher key = LIST_KEY.matcher(expression.getExpression().trim());
            if (!key.matches()) {
                throw error(split, "the split's jsonpath must name a list at the top of the previous result, "
                        + "like $.pages; got " + expression.getExpression());
            }
            if (split.getAggregationStrategy() != null) {
                throw error(split, "aggregationStrategy does not apply to a pipeline: a split's result is always "
                        + "the list of its task's results, in list order");
            }
            if (split.getOutputs().size() != 1 || !(split.getOutputs().get(0) instanceof ToDefinition to)) {
                throw error(split, "a split's steps must be exactly one to: task:<name>, which runs once per element");
            }
            refuseId(to);
            return new Canvas.ForEach(task(to), key.group(1));
        }

        private Canvas.Task task(ToDefinition to) {
            String uri = to.getUri();
            String name = path(to, uri, "task");
            TaskArguments declared = declaredArguments.apply(name).orElseThrow(() -> error(to,
                    "unknown task '" + name + "' (GET /api/v1/tasks lists the tasks)"));
            Map<String, Object> args = new LinkedHashMap<>();
            Integer retryMax = null;
            Long retryBackoff = null;
            Long softTimeLimit = null;
            Long timeLimit = null;
            boolean immutable = false;
            for (Map.Entry<String, Object> option : query(to, uri).entrySet()) {
                String key = option.getKey();
                if (!(option.getValue() instanceof String value)) {
                    throw error(to, "option '" + key + "' of task " + name + " is given more than once");
                }
                switch (key) {
                    case RETRY_MAX -> retryMax = positiveInteger(to, key, value);
                    case RETRY_BACKOFF -> retryBackoff = duration(to, key, value);
                    case TIME_LIMIT -> timeLimit = duration(to, key, value);
                    case SOFT_TIME_LIMIT -> softTimeLimit = duration(to, key, value);
                    case IMMUTABLE -> immutable = bool(to, key, value);
                    default -> {
                        String argument = declared.find(key).isPresent() ? key : snakeCase(key);
                        args.put(argument, declared.find(argument).map(a -> typed(a, value)).orElse(value));
                    }
                }
            }
            Map<String, Object> checked;
            try {
                checked = declared.check(args);
            } catch (TaskFailure e) {
                throw error(to, "task " + name + ": " + e.getMessage());
            }
            Canvas.Retry retry = retryMax == null && retryBackoff == null ? null : new Canvas.Retry(retryMax, retryBackoff);
            Canvas.TimeLimit limit = timeLimit == null && softTimeLimit == null ? null : new Canvas.TimeLimit(softTimeLimit, timeLimit);
            if (limit != null && limit.problem() != null) {
                throw error(to, "task " + name + ": " + limit.problem());
            }
            return new Canvas.Task(name, checked, immutable, retry, limit);
        }

        /** The path of {@code scheme:path?query}, or an error when the scheme is another. */
        private String path(OptionalIdentifiedDefinition<?> node, String uri, String scheme) {
            String prefix = scheme + ":";
            if (uri == null || !uri.startsWith(prefix)) {
                throw error(node, "expected " + prefix + "<name>, got '" + uri + "'; " + STEPS);
            }
            String path = uri.substring(prefix.length());
            path = path.startsWith("//") ? path.substring(2) : path;
            int query = path.indexOf('?');
            path = query < 0 ? path : path.substring(0, query);
            if (path.isBlank()) {
                throw error(node, prefix + " needs a name, e.g. " + prefix + (scheme.equals("task") ? "core.echo" : "my-pipeline"));
            }
            return path;
        }

        private Map<String, Object> query(OptionalIdentifiedDefinition<?> node, String uri) {
            int query = uri.indexOf('?');
            try {
                return query < 0 ? Map.of() : URISupport.parseQuery(uri.substring(query + 1));
            } catch (URISyntaxException e) {
                throw error(node, "cannot read the options of '" + uri + "': " + e.getMessage());
            }
        }

        private Integer positiveInteger(OptionalIdentifiedDefinition<?> node, String key, String value) {
            try {
                int parsed = Integer.parseInt(value);
                if (parsed >= 1) {
                    return parsed;
                }
            } catch (NumberFormatException e) {
                // refused below
            }
            throw error(node, key + " must be a whole number of at least 1, got '" + value + "'");
        }

        private Long duration(OptionalIdentifiedDefinition<?> node, String key, String value) {
            try {
                return TimeUtils.toMilliSeconds(value);
            } catch (RuntimeException e) {   // Camel's parser throws IllegalArgumentException, or an index error for some text
                throw error(node, key + " must be a duration (500 in milliseconds, 500ms, 2s), got '" + value + "'");
            }
        }

        private boolean bool(OptionalIdentifiedDefinition<?> node, String key, String value) {
            if (!value.equals("true") && !value.equals("false")) {
                throw error(node, key + " must be true or false, got '" + value + "'");
            }
            return Boolean.parseBoolean(value);
        }

        /** An id names a stage: only steps of the top-level chain have one. */
        private void refuseId(ProcessorDefinition<?> definition) {
            if (definition.hasCustomIdAssigned()) {
                throw error(definition, "an id names a stage, and only a step of the pipeline's top-level chain "
                        + "can be one; '" + definition.getId() + "' is nested");
            }
        }

        private PipelineRouteException error(OptionalIdentifiedDefinition<?> node, String problem) {
            int line = node.getLineNumber();
            return new PipelineRouteException(file, line > 0 ? line : null, problem);
        }
    }

    /** A step of a chain as written ({@code head}: its first definition) and as compiled. */
    private record Step(ProcessorDefinition<?> head, Canvas canvas) {
    }

    /**
     * A URI option (always text) as its argument's JSON type, so the argument check can judge it: a
     * number that does not parse stays text and is refused as mistyped, naming the argument.
     */
    private static Object typed(TaskArgument argument, String value) {
        try {
            return switch (argument.type()) {
                case INTEGER -> Long.parseLong(value);
                case NUMBER -> Double.parseDouble(value);
                case BOOLEAN -> value.equals("true") || value.equals("false") ? Boolean.parseBoolean(value) : value;
                case STRING_LIST -> Arrays.stream(value.split(",")).map(String::trim).toList();
                default -> value;
            };
        } catch (NumberFormatException e) {
            return value;
        }
    }

    /** {@code maxSentences} → {@code max_sentences}: Camel's URI options are camelCase, task arguments snake_case. */
    static String snakeCase(String option) {
        return CAMEL_HUMP.matcher(option).replaceAll("$1_$2").toLowerCase(Locale.ROOT);
    }
}
