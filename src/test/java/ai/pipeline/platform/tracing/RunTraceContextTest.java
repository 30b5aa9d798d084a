package ai.pipeline.platform.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.SpanContext;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RunTraceContextTest {

    @Test
    void theTraceIdIsTheChainIdsBitsAndTheRootSpanIdIsMadeFromThem() {
        SpanContext root = RunTraceContext.root("0f8fad5b-d9cb-469f-a165-70867728950e");

        assertThat(root.getTraceId()).isEqualTo("0f8fad5bd9cb469fa16570867728950e");
        assertThat(root.getSpanId()).isEqualTo(Long.toHexString(0x0f8fad5bd9cb469fL ^ 0xa16570867728950eL));
        assertThat(root.isValid()).isTrue();
        assertThat(root.isSampled()).isTrue();
    }

    @Test
    void everyProcessDerivesTheSameRootAndDifferentRunsGetDifferentOnes() {
        String chainId = UUID.randomUUID().toString();

        assertThat(RunTraceContext.root(chainId)).isEqualTo(RunTraceContext.root(chainId));
        assertThat(RunTraceContext.root(chainId).getTraceId()).isNotEqualTo(RunTraceContext.root(UUID.randomUUID().toString()).getTraceId());
    }

    @Test
    void theTraceparentIsW3cAndReadsBackAsTheRootSpan() {
        String chainId = UUID.randomUUID().toString();
        SpanContext root = RunTraceContext.root(chainId);

        String traceparent = RunTraceContext.traceparent(chainId);

        assertThat(traceparent).isEqualTo("00-" + root.getTraceId() + "-" + root.getSpanId() + "-01");
        SpanContext parsed = RunTraceContext.parse(traceparent);
        assertThat(parsed.getTraceId()).isEqualTo(root.getTraceId());
        assertThat(parsed.getSpanId()).isEqualTo(root.getSpanId());
        assertThat(parsed.isSampled()).isTrue();
        assertThat(parsed.isRemote()).isTrue();
    }

    @Test
    void aChainIdThatIsNoUuidOrTheNilUuidIsHashedToAValidTrace() {
        SpanContext named = RunTraceContext.root("not-a-uuid");
        SpanContext nil = RunTraceContext.root("00000000-0000-0000-0000-000000000000");

        assertThat(named.isValid()).isTrue();
        assertThat(named).isEqualTo(RunTraceContext.root("not-a-uuid"));
        assertThat(nil.isValid()).isTrue();
    }

    @Test
    void anAbsentOrMalformedTraceparentIsInvalid() {
        assertThat(RunTraceContext.parse(null).isValid()).isFalse();
        assertThat(RunTraceContext.parse("").isValid()).isFalse();
        assertThat(RunTraceContext.parse("00-xyz-01").isValid()).isFalse();
        assertThat(RunTraceContext.parse("00-00000000000000000000000000000000-0000000000000001-01").isValid()).isFalse();
    }
}
