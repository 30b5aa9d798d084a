package ai.pipeline.orchestration.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** The API-key check: one of the configured keys in X-API-Key, or 401 in the error envelope. */
class ApiKeyFilterTest {

    private final ApiKeyFilter filter = new ApiKeyFilter(ApiKeyFilter.parse(" k1, ,k2 "));

    private MockHttpServletResponse call(String key) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/v1/pipelines");
        if (key != null) {
            request.addHeader(ApiKeyFilter.HEADER, key);
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();
        filter.doFilter(request, response, chain);
        if (chain.getRequest() != null) {
            response.setStatus(299);   // marks "reached the controller"
        }
        return response;
    }

    @Test
    void aConfiguredKeyPasses() throws Exception {
        assertThat(call("k1").getStatus()).isEqualTo(299);
        assertThat(call("k2").getStatus()).isEqualTo(299);
    }

    @Test
    void noKeyOrAnUnknownKeyIs401InTheEnvelope() throws Exception {
        MockHttpServletResponse missing = call(null);
        assertThat(missing.getStatus()).isEqualTo(401);
        assertThat(missing.getContentType()).startsWith("application/json");
        assertThat(missing.getContentAsString()).contains("\"success\":false", "\"code\":\"unauthorized\"", "X-API-Key");

        MockHttpServletResponse wrong = call("k3");
        assertThat(wrong.getStatus()).isEqualTo(401);
        assertThat(wrong.getContentAsString()).contains("unknown API key");
        assertThat(call("").getStatus()).isEqualTo(401);
        assertThat(call("k1k2").getStatus()).isEqualTo(401);
    }

    @Test
    void aFileDownloadNeedsAKeyLikeEveryOtherCall() throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/v1/files");
        request.setParameter("path", "results/2026-01-31/run.json");
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();

        filter.doFilter(request, response, chain);

        assertThat(chain.getRequest()).as("reached the controller").isNull();
        assertThat(response.getStatus()).isEqualTo(401);
        assertThat(response.getContentAsString()).contains("\"code\":\"unauthorized\"");
    }

    @Test
    void theKeyListIsCommaSeparatedAndWithoutKeysEveryCallPasses() throws Exception {
        assertThat(ApiKeyFilter.parse(" a ,b,, ")).containsExactly("a", "b");
        assertThat(ApiKeyFilter.parse("")).isEmpty();
        assertThat(ApiKeyFilter.parse(null)).isEmpty();
        ApiKeyFilter off = new ApiKeyFilter(List.of(" "));
        MockFilterChain chain = new MockFilterChain();
        off.doFilter(new MockHttpServletRequest("GET", "/api/v1/pipelines"), new MockHttpServletResponse(), chain);
        assertThat(chain.getRequest()).isNotNull();
    }
}
