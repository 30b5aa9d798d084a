package ai.pipeline.orchestration.pipelines;

import ai.pipeline.orchestration.pipelines.PipelineDefinition.Origin;
import ai.pipeline.orchestration.pipelines.PipelineDefinition.RouteSource;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads pipeline routes — {@code <name>.camel.yaml} files in Camel's YAML DSL, or a {@link RouteBuilder}
 * in the Java DSL — into Camel's route model with Camel's own loader, and compiles them into
 * pipelines. The routes are never added to a running CamelContext: a pipeline is not a message flow
 * inside this process but a canvas the engine runs over Kafka, so the model is all that is needed.
 * Parsing happens in a CamelContext of its own, never started, so nothing a file declares (beans,
 * templates) reaches the application's context; files are checked to hold one route and nothing else
 * before Camel reads them.
 */
public final class PipelineRouteFiles {

    public static final String SUFFIX = ".camel.yaml";

    private static final Pattern LINE = Pattern.compile("line (\\d+), column");

    private final PipelineRouteCompiler compiler;
    private final CamelContext parser = new DefaultCamelContext();

    public PipelineRouteFiles(PipelineRouteCompiler compiler) {
        this.compiler = compiler;
    }

    /** The pipeline in the YAML route file {@code file} (its name only), which must be {@code <pipeline name>.camel.yaml}. */
    public PipelineDefinition compile(String file, String text, Origin origin) {
        List<RouteDefinition> routes = read(file, text);
        PipelineDefinition pipeline = compiler.compile(routes.get(0), new RouteSource(file, origin, text));
        if (!file.equals(pipeline.name() + SUFFIX)) {
            throw new PipelineRouteException(file, routes.get(0).getInput().getLineNumber(), "the file declares pipeline:"
                    + pipeline.name() + "; a route file is named after its pipeline: " + pipeline.name() + SUFFIX);
        }
        return pipeline;
    }

    /** The pipelines a Java DSL {@code builder} declares. */
    public synchronized List<PipelineDefinition> compile(RouteBuilder builder) {
        try {
            return builder.configureRoutes(parser).getRoutes().stream().map(route -> compiler.compile(route, null)).toList();
        } catch (PipelineRouteException e) {
            throw e;
        } catch (Exception e) {
            throw new PipelineRouteException(builder.getClass().getSimpleName(), null, rootMessage(e));
        }
    }

    /** The one route of a YAML file, read into Camel's model. */
    synchronized List<RouteDefinition> read(String file, String text) {
        checkHoldsOneRoute(file, text);
        List<RouteDefinition> routes = new ArrayList<>();
        try {
            for (RoutesBuilder builder : PluginHelper.getRoutesLoader(parser).findRoutesBuilders(ResourceHelper.fromString(file, text))) {
                routes.addAll(((RouteBuilder) builder).configureRoutes(parser).getRoutes());
            }
        } catch (Exception e) {
            throw camelError(file, e);
        }
        return routes;
    }

    /** A file holds a list with one {@code route} (or {@code from}): beans, templates and REST have no place here. */
    private static void checkHoldsOneRoute(String file, String text) {
        List<Node> documents = new ArrayList<>();
        try {
            new Compose(LoadSettings.builder().setLabel(file).build()).composeAllFromString(text).forEach(documents::add);
        } catch (MarkedYamlEngineException e) {
            throw new PipelineRouteException(file, e.getProblemMark().map(m -> m.getLine() + 1).orElse(null),
                    "not valid YAML: " + e.getProblem());
        } catch (RuntimeException e) {
            throw new PipelineRouteException(file, null, "not valid YAML: " + e.getMessage());
        }
        if (documents.size() != 1 || !(documents.get(0) instanceof SequenceNode list) || list.getValue().size() != 1
                || !(list.getValue().get(0) instanceof MappingNode route) || route.getValue().size() != 1) {
            throw new PipelineRouteException(file, documents.isEmpty() ? null : line(documents.get(0)),
                    "a pipeline file holds a list of exactly one route: '- route: {from: {uri: pipeline:<name>, …}}' or '- from: …'");
        }
        NodeTuple entry = route.getValue().get(0);
        String key = entry.getKeyNode() instanceof ScalarNode scalar ? scalar.getValue() : "";
        if (!key.equals("route") && !key.equals("from")) {
            throw new PipelineRouteException(file, line(entry.getKeyNode()),
                    "'" + key + "' has no place in a pipeline file; it holds one route ('- route:' or '- from:')");
        }
    }

    private static Integer line(Node node) {
        return node.getStartMark().map(mark -> mark.getLine() + 1).orElse(null);
    }

    /** Camel's error as the file, the line its message names (YAML marks say "line 4, column 9") and its first line. */
    private static PipelineRouteException camelError(String file, Exception e) {
        Throwable cause = e;
        Integer line = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            Matcher matcher = LINE.matcher(String.valueOf(t.getMessage()));
            if (matcher.find()) {
                line = Integer.valueOf(matcher.group(1));
                cause = t;
            }
        }
        String message = cause == e ? rootMessage(e) : cause.getMessage();
        return new PipelineRouteException(file, line, message.lines().findFirst().orElse(message).trim());
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
