package ai.pipeline.k8s;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Grafana dashboard ({@code k8s/grafana}) is a dashboard Grafana can load, every query in it
 * names only metrics (and labels) the application exports, it covers what an operator watches, and
 * every overlay ships it as a ConfigMap for Grafana's dashboard sidecar.
 */
class GrafanaDashboardTest {

    private static final Path DASHBOARD = Manifests.ROOT.resolve("grafana/ai-pipeline-dashboard.json");

    /** The labels camel-micrometer's route policy puts on its meters: only routeId varies, over the routes in code. */
    private static final Set<String> CAMEL_ROUTE_LABELS = Set.of("camelContext", "kind", "eventType", "routeId");
    /** The application's own metrics (Prometheus names) and their labels. */
    private static final Map<String, Set<String>> APP_METRICS = Map.ofEntries(
            entry("ai_pipeline_started_total", Set.of("pipeline")),
            entry("ai_pipeline_finished_total", Set.of("pipeline", "status")),
            entry("ai_pipeline_duration_seconds_bucket", Set.of("pipeline", "status", "le")),
            entry("ai_pipeline_duration_seconds_sum", Set.of("pipeline", "status")),
            entry("ai_pipeline_duration_seconds_count", Set.of("pipeline", "status")),
            entry("ai_pipeline_in_flight", Set.of("status")),
            entry("ai_task_finished_total", Set.of("task", "outcome")),
            entry("ai_task_duration_seconds_bucket", Set.of("task", "outcome", "le")),
            entry("ai_task_duration_seconds_sum", Set.of("task", "outcome")),
            entry("ai_task_duration_seconds_count", Set.of("task", "outcome")),
            entry("ai_task_queue_wait_seconds_bucket", Set.of("task", "le")),
            entry("ai_task_queue_wait_seconds_sum", Set.of("task")),
            entry("ai_task_queue_wait_seconds_count", Set.of("task")),
            entry("ai_kafka_consumer_lag", Set.of("group", "topic")),
            entry("ai_worker_tasks_running", Set.of("domain")),
            entry("ai_worker_tasks_waiting", Set.of("domain")),
            // camel-micrometer's route policy on every Camel route (platform.CamelRouteMetrics); EngineIT finds
            // each of these, with a real route's routeId, in the application's /actuator/prometheus
            entry("camel_exchanges_total", CAMEL_ROUTE_LABELS),
            entry("camel_exchanges_failed_total", CAMEL_ROUTE_LABELS),
            entry("camel_exchanges_failures_handled_total", CAMEL_ROUTE_LABELS),
            entry("camel_route_policy_seconds_bucket", Set.of("camelContext", "kind", "eventType", "routeId", "le")),
            entry("camel_route_policy_seconds_sum", CAMEL_ROUTE_LABELS),
            entry("camel_route_policy_seconds_count", CAMEL_ROUTE_LABELS));
    /** Families of Micrometer's standard JVM, process and HTTP server meters. */
    private static final List<String> STANDARD_PREFIXES = List.of("jvm_", "process_", "http_server_requests_seconds_");
    /** Labels on every series: Micrometer's common tag and what Prometheus's scrape adds. */
    private static final Set<String> COMMON_LABELS = Set.of("application", "instance", "job", "namespace", "pod");
    private static final Set<String> PROMQL_KEYWORDS = Set.of("and", "or", "unless", "bool", "offset");

    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.$:])[a-zA-Z_:][a-zA-Z0-9_:]*+(?!\\s*\\()");
    private static final Pattern MATCHERS = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*\\{([^}]*)}");
    private static final Pattern MATCHER_LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(?:=~|!~|!=|=)");
    private static final Pattern GROUPING = Pattern.compile("\\b(?:by|without)\\s*\\(([^)]*)\\)");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][\\w:]*)\\s*,\\s*(\\w+)\\s*\\)");

    private final JsonNode dashboard = read();

    @Test
    void itIsAGrafanaDashboardWhosePanelsQueryThePrometheusChosenInItsVariable() {
        assertThat(dashboard.path("uid").asString()).isEqualTo("ai-pipeline");
        assertThat(dashboard.path("title").asString()).isNotBlank();
        assertThat(dashboard.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(36);
        assertThat(dashboard.path("templating").path("list")).anySatisfy(variable -> {
            assertThat(variable.path("name").asString()).isEqualTo("datasource");
            assertThat(variable.path("type").asString()).isEqualTo("datasource");
            assertThat(variable.path("query").asString()).isEqualTo("prometheus");
        });
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(ids.add(panel.path("id").asInt())).as("panel id %s is unique", panel.path("id")).isTrue();
            assertThat(panel.path("gridPos").path("w").asInt()).as(panel.path("title").asString()).isBetween(1, 24);
            if (panel.path("type").asString().equals("row")) {
                continue;
            }
            assertThat(panel.path("datasource").path("uid").asString()).as(panel.path("title").asString()).isEqualTo("${datasource}");
            assertThat(panel.path("targets")).as(panel.path("title").asString()).isNotEmpty()
                    .allSatisfy(target -> assertThat(target.path("expr").asString()).isNotBlank());
        }
    }

    @Test
    void everyQueryNamesOnlyMetricsAndLabelsTheApplicationExports() {
        List<String> problems = new ArrayList<>();
        for (String expression : expressions()) {
            Set<String> metrics = metricsOf(expression);
            assertThat(metrics).as(expression).isNotEmpty();
            Set<String> appLabels = new TreeSet<>(COMMON_LABELS);
            boolean onlyAppMetrics = true;
            for (String metric : metrics) {
                if (APP_METRICS.containsKey(metric)) {
                    appLabels.addAll(APP_METRICS.get(metric));
                } else if (STANDARD_PREFIXES.stream().anyMatch(metric::startsWith)) {
                    onlyAppMetrics = false;
                } else {
                    problems.add("unknown metric " + metric + " in " + expression);
                }
            }
            Matcher matchers = MATCHERS.matcher(expression);
            while (matchers.find()) {
                Set<String> allowed = new TreeSet<>(COMMON_LABELS);
                allowed.addAll(APP_METRICS.getOrDefault(matchers.group(1), Set.of()));
                Matcher label = MATCHER_LABEL.matcher(matchers.group(2).replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\""));
                while (label.find()) {
                    if (APP_METRICS.containsKey(matchers.group(1)) && !allowed.contains(label.group(1))) {
                        problems.add(matchers.group(1) + " has no label " + label.group(1) + " (" + expression + ")");
                    }
                }
            }
            Matcher grouping = GROUPING.matcher(expression);
            while (onlyAppMetrics && grouping.find()) {
                for (String label : grouping.group(1).split(",")) {
                    if (!label.isBlank() && !appLabels.contains(label.trim())) {
                        problems.add("grouping by " + label.trim() + ", which " + metrics + " do not have (" + expression + ")");
                    }
                }
            }
        }
        Matcher variables = LABEL_VALUES.matcher(dashboard.path("templating").toString());
        while (variables.find()) {
            if (!APP_METRICS.getOrDefault(variables.group(1), Set.of()).contains(variables.group(2))) {
                problems.add("variable on " + variables.group(1) + " by label " + variables.group(2));
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void metricNamesAreTheIdentifiersThatAreNoFunctionKeywordLabelOrString() {
        assertThat(metricsOf("histogram_quantile(0.95, sum by (le, task) (rate(a_bucket{task=~\"$task\", x=\"b_c\"}[$__rate_interval])))"))
                .containsExactly("a_bucket");
        assertThat(metricsOf("sum(rate(a_sum[5m])) / sum without (pod) (rate(b_count[5m])) > bool 0 and on (x) c"))
                .containsExactly("a_sum", "b_count", "c");
    }

    @Test
    void thePanelsCoverPipelinesTasksQueueWaitConsumerLagRetriesCamelRoutesAndTheJvm() {
        Set<String> used = new TreeSet<>();
        expressions().forEach(expression -> used.addAll(metricsOf(expression)));
        for (String family : List.of("ai_pipeline_started_total", "ai_pipeline_finished_total", "ai_pipeline_duration_seconds_bucket",
                "ai_pipeline_in_flight", "ai_task_finished_total", "ai_task_duration_seconds_bucket",
                "ai_task_queue_wait_seconds_bucket", "ai_kafka_consumer_lag", "camel_exchanges_total", "camel_exchanges_failed_total",
                "camel_route_policy_seconds_bucket", "jvm_memory_used_bytes")) {
            assertThat(used).as("a panel on %s", family).contains(family);
        }
        String all = String.join("\n", expressions());
        assertThat(all).contains("histogram_quantile(0.5, sum by (le, pipeline) (rate(ai_pipeline_duration_seconds_bucket",
                "histogram_quantile(0.95, sum by (le, pipeline) (rate(ai_pipeline_duration_seconds_bucket",
                "outcome=\"RETRY\"", "sum by (status) (rate(ai_pipeline_finished_total",
                "sum by (task, outcome) (rate(ai_task_finished_total", "by (group",
                "histogram_quantile(0.95, sum by (le, routeId) (rate(camel_route_policy_seconds_bucket",
                "sum by (routeId) (rate(camel_exchanges_failed_total");
    }

    @Test
    void everyOverlayShipsTheDashboardAsAConfigMapForGrafanasSidecar() throws IOException {
        String json = Files.readString(DASHBOARD);
        for (String overlay : Manifests.overlays()) {
            List<ConfigMap> dashboards = KubernetesManifestsTest.rendered(overlay).typed("ConfigMap", ConfigMap.class).stream()
                    .filter(c -> c.getMetadata().getLabels() != null && "1".equals(c.getMetadata().getLabels().get("grafana_dashboard")))
                    .toList();
            assertThat(dashboards).as(overlay).singleElement()
                    .satisfies(c -> assertThat(c.getData()).containsExactly(entry(DASHBOARD.getFileName().toString(), json)));
        }
    }

    /** Metric names in a PromQL expression: identifiers that are no function, keyword, label or string. */
    static Set<String> metricsOf(String expression) {
        String bare = expression
                .replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> metrics = new TreeSet<>();
        Matcher identifier = IDENTIFIER.matcher(bare);
        while (identifier.find()) {
            if (!PROMQL_KEYWORDS.contains(identifier.group())) {
                metrics.add(identifier.group());
            }
        }
        return metrics;
    }

    /** The queries of every panel. */
    private List<String> expressions() {
        List<String> expressions = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            panel.path("targets").forEach(target -> expressions.add(target.path("expr").asString()));
        }
        return expressions;
    }

    private static JsonNode read() {
        try {
            return JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
        } catch (IOException e) {
            throw new AssertionError("cannot read " + DASHBOARD, e);
        }
    }
}
