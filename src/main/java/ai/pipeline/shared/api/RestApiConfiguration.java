package ai.pipeline.shared.api;

import java.io.InputStream;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The route configuration of the REST DSL's routes ({@code routes/rest/*.camel.yaml}): what an API
 * bean returns becomes the HTTP answer, and whatever it throws becomes the error envelope with its
 * status ({@link ApiErrors}), never Camel's stack-trace page.
 *
 * <p>It is the context's one configuration without an id, which Camel gives to every route that names
 * none: a REST DSL verb cannot name one, and every other route names its own (RouteConventionsIT).
 * The answer is written before the consumer replies ({@code onCompletion} in {@code BeforeConsumer}
 * mode) with the application's JSON mapper (snake_case, like every other JSON it writes); the request's
 * headers (path and query parameters, form fields) are not echoed back.
 */
@Component
public class RestApiConfiguration extends RouteConfigurationBuilder {

    private final JsonMapper json;

    public RestApiConfiguration(JsonMapper json) {
        this.json = json;
    }

    @Override
    public void configuration() {
        RouteConfigurationDefinition api = routeConfiguration();
        api.onException(Exception.class).handled(true).process(this::failure);
        api.onCompletion().modeBeforeConsumer().process(this::answer);
    }

    /** The failure as the error envelope; {@link #answer} then writes it. */
    private void failure(Exchange exchange) {
        ApiErrors.Failure failure = ApiErrors.of(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        exchange.getMessage().setBody(ApiAnswer.json(failure.status(), failure.envelope()));
    }

    private void answer(Exchange exchange) {
        Message message = exchange.getMessage();
        ApiRequests.discardUploads(message);
        Object body = message.getBody();
        ApiAnswer answer = body instanceof ApiAnswer a ? a
                : body instanceof ApiResponse<?> response ? ApiAnswer.json(200, response)
                : null;
        if (answer == null) {
            return;
        }
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, answer.status());
        message.setHeader(Exchange.CONTENT_TYPE, answer.contentType());
        for (Map.Entry<String, String> header : answer.headers().entrySet()) {
            message.setHeader(header.getKey(), header.getValue());
        }
        // objects are written as JSON here; content (a PNG's bytes, a file's stream) goes out as it is
        Object content = answer.body();
        message.setBody(content instanceof byte[] || content instanceof InputStream ? content : json.writeValueAsBytes(content));
    }
}
