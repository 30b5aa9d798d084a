package ai.pipeline.orchestration.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.Operation;
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
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.JsonNode;

/**
 * The OpenAPI document at {@code /v3/api-docs} says what the API really does: property names in
 * snake_case as the JSON is written (springdoc reads models with its own Jackson 2 mapper, which is
 * told the naming strategy here), free-form JSON where the API takes or gives any JSON, and for every
 * operation the statuses it answers with ({@link ApiStatuses}) and the error envelope's schema.
 */
@Configuration(proxyBeanMethods = false)
@OpenAPIDefinition(info = @Info(title = "ai-pipeline", version = "v1",
        description = "AI pipelines (OCR, LLM, object detection) composed as chains, groups and chords over Kafka. "
                + "Every answer is an envelope: {\"success\", \"data\" | \"error\": {\"code\", \"message\"}, \"timestamp\"}."))
class OpenApiConfiguration {

    static final String ERROR_SCHEMA = "ErrorEnvelope";
    private static final String API_KEY_SCHEME = "api_key";

    /** What each status means across the API. */
    private static final Map<Integer, String> MEANINGS = Map.ofEntries(
            Map.entry(200, "OK"),
            Map.entry(201, "Created"),
            Map.entry(202, "Accepted: the pipeline is recorded and started"),
            Map.entry(400, "Invalid request: malformed JSON, a missing or wrong field, a path outside storage, "
                    + "an unreadable file"),
            Map.entry(401, "Missing or unknown X-API-Key (only when app.security.api-keys is set)"),
            Map.entry(404, "No such pipeline run, file in storage or resource"),
            Map.entry(409, "Not allowed in the current state (e.g. cancel an ended run, retry a run that did not fail)"),
            Map.entry(413, "Too large: an upload or input over its limit"),
            Map.entry(415, "Unsupported content type or file format"),
            Map.entry(503, "Unavailable: Kafka, the database or a model is not available now; try again later"));
    /** What an operation without {@link ApiStatuses} may answer: every status the exception handler maps to. */
    private static final int[] ANY_ERROR = {400, 404, 409, 413, 415, 503};

    static {
        // Jackson 3 trees (request and result payloads) are any JSON value, not a bean with properties
        SpringDocUtils.getConfig().replaceWithSchema(JsonNode.class, new Schema<>().description("any JSON value"));
    }

    @Bean
    ModelResolver snakeCaseModels() {
        return new ModelResolver(Json.mapper().copy().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE));
    }

    @Bean
    OperationCustomizer documentedStatuses(@Value("${app.security.api-keys:}") String apiKeys) {
        boolean keysOn = !ApiKeyFilter.parse(apiKeys).isEmpty();
        return (operation, handler) -> {
            ApiStatuses statuses = handler.getMethodAnnotation(ApiStatuses.class);
            ApiResponses responses = operation.getResponses();
            int success = statuses == null ? 200 : statuses.success();
            ApiResponse ok = responses.remove("200");
            if (ok != null) {
                responses.addApiResponse(String.valueOf(success), ok.description(MEANINGS.get(success)));
            }
            for (int status : statuses == null ? ANY_ERROR : statuses.errors()) {
                responses.addApiResponse(String.valueOf(status), error(status));
            }
            if (keysOn) {
                responses.addApiResponse("401", error(401));
            }
            return operation;
        };
    }

    @Bean
    OpenApiCustomizer errorEnvelopeAndApiKey(@Value("${app.security.api-keys:}") String apiKeys) {
        boolean keysOn = !ApiKeyFilter.parse(apiKeys).isEmpty();
        return openApi -> {
            if (openApi.getComponents() == null) {
                openApi.setComponents(new Components());
            }
            openApi.getComponents().addSchemas(ERROR_SCHEMA, new ObjectSchema()
                    .description("the envelope of every error answer")
                    .addProperty("success", new BooleanSchema().example(false))
                    .addProperty("error", new ObjectSchema()
                            .addProperty("code", new StringSchema().example("invalid_input"))
                            .addProperty("message", new StringSchema().example("document_path: is required")))
                    .addProperty("timestamp", new DateTimeSchema()));
            if (keysOn) {
                openApi.getComponents().addSecuritySchemes(API_KEY_SCHEME, new SecurityScheme()
                        .type(SecurityScheme.Type.APIKEY).in(SecurityScheme.In.HEADER).name(ApiKeyFilter.HEADER));
                openApi.getPaths().forEach((path, item) -> {
                    if (path.startsWith("/api/")) {
                        item.readOperations().forEach((Operation op) ->
                                op.addSecurityItem(new SecurityRequirement().addList(API_KEY_SCHEME)));
                    }
                });
            }
        };
    }

    private static ApiResponse error(int status) {
        return new ApiResponse().description(MEANINGS.get(status)).content(new Content().addMediaType(
                org.springframework.http.MediaType.APPLICATION_JSON_VALUE,
                new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + ERROR_SCHEMA))));
    }
}
