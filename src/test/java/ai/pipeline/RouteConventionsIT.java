package ai.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.orchestration.engine.TaskRegistry;
import ai.pipeline.orchestration.pipelines.PipelineCatalog;
import ai.pipeline.testsupport.AppTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * Route conventions: every route has an explicit kebab-case id that names its area, every YAML
 * route file (in any folder under {@code routes/}) is loaded as the route its file is named after
 * (those under {@code routes/pipelines/} as the pipeline, never as a route of the context; those
 * under {@code routes/rest/} as one route per verb, named after the file),
 * the engine's routes and one worker per task are there, every route opts into a configuration,
 * and the routes table of {@code docs/engine.md} lists every route.
 */
@AppTest
class RouteConventionsIT {

    private static final Set<String> ENGINE_ROUTES = Set.of("orchestration-advance", "orchestration-join",
            "orchestration-fan-out", "orchestration-retries", "orchestration-overdue-joins", "orchestration-metrics", "worker-revocations");

    @Autowired
    CamelContext camel;

    @Autowired
    TaskRegistry tasks;

    @Autowired
    PipelineCatalog catalog;

    @Test
    void everyRouteHasAnExplicitIdNamingItsArea() {
        for (Route route : camel.getRoutes()) {
            assertThat(route.getRouteId()).as("route from %s", route.getEndpoint().getEndpointUri())
                    .matches("(orchestration|worker|ingress|api)-[a-z0-9]+(-[a-z0-9]+)*");
            assertThat(route.getConfigurationId()).as("route configuration of %s", route.getRouteId()).isNotBlank();
            // the id-less configuration ("<default>") is the REST API's (RestApiConfiguration): REST DSL verbs
            // get it (a verb cannot name one) and no other route does
            if (route.getRouteId().startsWith("api-")) {
                assertThat(route.getConfigurationId()).as("route configuration of %s", route.getRouteId())
                        .isEqualTo("<default>");
            } else {
                assertThat(route.getConfigurationId()).as("route configuration of %s", route.getRouteId())
                        .doesNotContain("<default>");
            }
        }
    }

    @Test
    void everyYamlRouteFileIsLoadedUnderItsOwnName() throws Exception {
        Resource[] files = new PathMatchingResourcePatternResolver().getResources("classpath*:routes/**/*.camel.yaml");
        assertThat(files).isNotEmpty();
        Set<String> loaded = routeIds();
        Set<String> pipelines = new TreeSet<>();
        catalog.all().forEach(p -> pipelines.add(p.name()));
        for (Resource file : files) {
            String id = file.getFilename().replace(".camel.yaml", "");
            // pipeline files are compiled to canvases the engine runs, not routes of this context
            boolean pipeline = file.getURL().getPath().contains("/routes/pipelines/");
            // a REST DSL file declares one route per verb, each named <file>-<operation>
            boolean rest = file.getURL().getPath().contains("/routes/rest/");
            if (pipeline) {
                assertThat(pipelines).as("pipeline of %s", file.getDescription()).contains(id);
                assertThat(loaded).as("routes of the context").doesNotContain(id);
            } else if (rest) {
                assertThat(loaded).as("routes of %s", file.getDescription()).anyMatch(route -> route.startsWith(id + "-"));
            } else {
                assertThat(loaded).as("route of %s", file.getDescription()).contains(id);
            }
        }
    }

    @Test
    void theEngineRoutesAndOneWorkerPerDomainAreLoaded() {
        Set<String> loaded = routeIds();
        assertThat(loaded).containsAll(ENGINE_ROUTES);
        List<String> workers = tasks.all().stream().map(task -> "worker-" + task.domain()).distinct().toList();
        assertThat(loaded).containsAll(workers);
        assertThat(workers).contains("worker-core", "worker-ocr", "worker-vision", "worker-llm", "worker-media", "worker-pipeline");
    }

    /** docs/engine.md's "Routes" table names every route: by its id, as {@code api-*} or as {@code worker-<domain>}. */
    @Test
    void theRoutesTableInTheDocsListsEveryRoute() throws IOException {
        String engine = Files.readString(Path.of("docs/engine.md"));
        int start = engine.indexOf("\n## Routes\n");
        assertThat(start).as("the \"Routes\" section of docs/engine.md").isNotNegative();
        int end = engine.indexOf("\n## ", start + 1);
        String routes = engine.substring(start, end < 0 ? engine.length() : end);
        Set<String> workers = new TreeSet<>();
        tasks.all().forEach(task -> workers.add("worker-" + task.domain()));
        List<String> missing = routeIds().stream()
                .filter(id -> !routes.contains("`" + id + "`"))
                .filter(id -> !(id.startsWith("api-") && routes.contains("`api-*`")))
                .filter(id -> !(workers.contains(id) && routes.contains("`worker-<domain>`")))
                .toList();
        assertThat(missing).as("routes the table in docs/engine.md does not list").isEmpty();
    }

    private Set<String> routeIds() {
        Set<String> ids = new TreeSet<>();
        camel.getRoutes().forEach(r -> ids.add(r.getRouteId()));
        return ids;
    }
}
