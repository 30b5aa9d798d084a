package ai.pipeline.orchestration.api;

import ai.pipeline.shared.api.ApiAnswer;
import ai.pipeline.shared.api.ApiRequests;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.BooleanSchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.DateTimeSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import io.swagger.v3.oas.models.tags.Tag;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.openapi.BeanConfig;
import org.apache.camel.openapi.RestOpenApiReader;
import org.apache.camel.openapi.RestOpenApiSupport;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * {@code GET /v3/api-docs} ({@code routes/rest/api-openapi.camel.yaml}): the OpenAPI document, generated
 * by camel-openapi-java from the REST DSL (every verb's operation id, summary, parameters, body and
 * output types and statuses), then completed with what the REST DSL cannot say: property names in
 * snake_case as the JSON is written, the error envelope's schema on every error status, the API key
 * when {@code app.security.api-keys} is set, and the one endpoint Spring MVC serves
 * ({@link EventStreamController}). Built once, on the first request: the REST DSL does not change while running.
 */
@Component("openApiDocument")
class OpenApiDocument {

    static final String ERROR_SCHEMA = "ErrorEnvelope";
    /** What the REST DSL cannot type: operations whose success is bytes of this media type, not JSON. */
    private static final Map<String, String> BINARY_ANSWERS = Map.of("downloadFile", "application/octet-stream",
            "annotateObjects", "image/png");
    private static final String API_KEY_SCHEME = "api_key";

    private final CamelContext camel;
    private final boolean keysOn;
    private volatile byte[] document;

    OpenApiDocument(CamelContext camel, @Value("${app.security.api-keys:}") String apiKeys) {
        this.camel = camel;
        this.keysOn = !ApiKeyFilter.parse(apiKeys).isEmpty();
    }

    public ApiAnswer json() throws Exception {
        if (document == null) {
            document = render();
        }
        return ApiAnswer.content(200, ApiAnswer.JSON, Map.of(), document);
    }

    private byte[] render() throws Exception {
        RestOpenApiSupport support = new RestOpenApiSupport();
        BeanConfig config = new BeanConfig();
        support.initOpenApi(config, Map.of("api.title", "ai-pipeline", "api.version", "v1",
                "api.description", "AI pipelines (OCR, LLM, object detection) composed as chains, groups and chords over "
                        + "Kafka. Every answer is an envelope: {\"success\", \"data\" | \"error\": {\"code\", \"message\"}, "
                        + "\"timestamp\"}.",
                "api.default.consumes", ApiAnswer.JSON, "api.default.produces", ApiAnswer.JSON));
        OpenAPI api = new RestOpenApiReader().read(camel, support.getRestDefinitions(camel), config, camel.getName(),
                camel.getClassResolver());
        api.setServers(List.of(new Server().url("/")));
        addEventStream(api);
        typeBinaryAnswers(api);
        // Jackson 3 trees (canvases, inputs) are any JSON value, not a bean with properties
        api.getComponents().addSchemas("JsonNode", new Schema<>().description("any JSON value"));
        snakeCaseProperties(api);
        addErrorEnvelope(api);
        if (keysOn) {
            addApiKey(api);
        }
        return RestOpenApiSupport.getJsonFromOpenAPIAsString(api, config).getBytes(StandardCharsets.UTF_8);
    }

    /** Server-sent events are served by Spring MVC (see docs/api.md), so the REST DSL cannot describe them. */
    private static void addEventStream(OpenAPI api) {
        Operation stream = new Operation().operationId("eventStream").addTagsItem("live events")
                .summary("Server-sent events: 'ready' first, then 'pipeline' and 'task' events (JSON: chain_id, pipeline, "
                        + "kind, status, node, task_id, task, attempt, error, at) as runs change; 'resync' when this client "
                        + "fell behind and should reload; a comment every 15 s. Ends after 30 minutes: reconnect.")
                .responses(new ApiResponses()
                        .addApiResponse("200", new ApiResponse().description("OK").content(new Content().addMediaType(
                                "text/event-stream", new MediaType().schema(new StringSchema().example(
                                        "event: pipeline\ndata: {\"chain_id\": \"…\", \"kind\": \"pipeline\", \"status\": \"SUCCESS\"}\n\n")))))
                        .addApiResponse("503", new ApiResponse().description("Unavailable: try again later")));
        api.path("/api/v1/events/stream", new PathItem().get(stream));
        api.addTagsItem(new Tag().name("live events").description("state changes of every run, pushed as they happen"));
    }

    private static void typeBinaryAnswers(OpenAPI api) {
        operations(api).stream().filter(operation -> BINARY_ANSWERS.containsKey(operation.getOperationId()))
                .forEach(operation -> operation.getResponses().forEach((status, response) -> {
                    if (status.startsWith("2")) {
                        response.setContent(new Content().addMediaType(BINARY_ANSWERS.get(operation.getOperationId()),
                                new MediaType().schema(new StringSchema().format("binary"))));
                    }
                }));
    }

    /** The models' properties as the JSON names them (the application's mapper writes snake_case). */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static void snakeCaseProperties(OpenAPI api) {
        if (api.getComponents() == null || api.getComponents().getSchemas() == null) {
            return;
        }
        for (Schema schema : api.getComponents().getSchemas().values()) {
            Map<String, Schema> properties = schema.getProperties();
            if (properties != null) {
                Map<String, Schema> renamed = new LinkedHashMap<>();
                properties.forEach((name, property) -> renamed.put(ApiRequests.snakeCase(name), property));
                schema.setProperties(renamed);
            }
            if (schema.getRequired() != null) {
                schema.setRequired(((List<String>) schema.getRequired()).stream().map(ApiRequests::snakeCase).toList());
            }
        }
    }

    /** Every error status answers the error envelope. */
    private static void addErrorEnvelope(OpenAPI api) {
        api.getComponents().addSchemas(ERROR_SCHEMA, new ObjectSchema()
                .description("the envelope of every error answer")
                .addProperty("success", new BooleanSchema().example(false))
                .addProperty("error", new ObjectSchema()
                        .addProperty("code", new StringSchema().example("invalid_input"))
                        .addProperty("message", new StringSchema().example("document_path: is required")))
                .addProperty("timestamp", new DateTimeSchema()));
        operations(api).forEach(operation -> operation.getResponses().forEach((status, response) -> {
            if (status.startsWith("4") || status.startsWith("5")) {
                response.setContent(errorContent());
            }
        }));
    }

    private static void addApiKey(OpenAPI api) {
        api.getComponents().addSecuritySchemes(API_KEY_SCHEME, new SecurityScheme()
                .type(SecurityScheme.Type.APIKEY).in(SecurityScheme.In.HEADER).name(ApiKeyFilter.HEADER));
        api.getPaths().forEach((path, item) -> {
            if (path.startsWith("/api/")) {
                item.readOperations().forEach(operation -> {
                    operation.addSecurityItem(new SecurityRequirement().addList(API_KEY_SCHEME));
                    operation.getResponses().addApiResponse("401", new ApiResponse()
                            .description("Missing or unknown X-API-Key").content(errorContent()));
                });
            }
        });
    }

    private static Content errorContent() {
        return new Content().addMediaType(ApiAnswer.JSON,
                new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + ERROR_SCHEMA)));
    }

    private static List<Operation> operations(OpenAPI api) {
        return api.getPaths().values().stream().flatMap(item -> item.readOperations().stream()).toList();
    }
}
