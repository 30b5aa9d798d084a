package ai.pipeline.shared.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/** Bad JSON bodies are described in JSON's words: no message names a Java class of ours or Jackson's. */
class ApiRequestsTest {

    record Start(String documentPath, List<String> languages) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void aWrongTypeNamesTheJsonTypeAndTheFieldNotTheJavaClass() {
        String message = describe("{\"documentPath\": [\"a.pdf\"]}");

        assertThat(message).contains("a string").contains("documentPath").doesNotContain("java.").doesNotContain("`");
    }

    @Test
    void anArrayForAnObjectNamesNoRecord() {
        String message = describe("[]");

        assertThat(message).contains("an object").doesNotContain("ai.pipeline").doesNotContain("Start")
                .doesNotContain("JsonToken");
    }

    @Test
    void truncatedJsonSaysSo() {
        assertThat(describe("{\"documentPath\": ")).doesNotContain("ai.pipeline").isNotBlank();
    }

    private static String describe(String body) {
        JacksonException e = catchThrowableOfType(JacksonException.class, () -> JSON.readValue(body, Start.class));
        return ApiRequests.describe(e);
    }
}
