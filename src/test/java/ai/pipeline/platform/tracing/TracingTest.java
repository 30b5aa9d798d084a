package ai.pipeline.platform.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TracingTest {

    private static final AttributeKey<String> CHAIN_ID = AttributeKey.stringKey("ai.pipeline.chain_id");
    private static final AttributeKey<String> NODE = AttributeKey.stringKey("ai.task.node");

    private final RecordedSpans recorded = new RecordedSpans();
    private final List<SpanData> exported = recorded.spans();
    private final Tracing tracing = recorded.tracing();

    @Test
    void aRunsRootSpanHasTheDerivedIdsAndItsRealTimesAndATaskSpanIsItsChild() {
        String chainId = UUID.randomUUID().toString();
        Instant created = Instant.parse("2026-12-05T08:00:00.123456789Z");
        Instant ended = created.plusSeconds(3);

        tracing.recordChild(chainId, tracing.traceparent(chainId), "task ocr.split_pages", created.plusMillis(5),
                created.plusMillis(900), Attributes.of(NODE, "0"), null);
        tracing.recordRun(chainId, "pipeline document", created, ended, Attributes.empty(), null);

        SpanContext root = RunTraceContext.root(chainId);
        assertThat(exported).hasSize(2);
        SpanData task = exported.get(0);
        SpanData run = exported.get(1);
        assertThat(run.getName()).isEqualTo("pipeline document");
        assertThat(run.getTraceId()).isEqualTo(root.getTraceId());
        assertThat(run.getSpanId()).isEqualTo(root.getSpanId());
        assertThat(run.getParentSpanContext().isValid()).isFalse();
        assertThat(run.getStartEpochNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(created.getEpochSecond()) + 123456789);
        assertThat(run.getEndEpochNanos() - run.getStartEpochNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(3));
        assertThat(run.getAttributes().get(CHAIN_ID)).isEqualTo(chainId);
        assertThat(run.getResource().getAttribute(AttributeKey.stringKey("service.name"))).isEqualTo("test-service");

        assertThat(task.getName()).isEqualTo("task ocr.split_pages");
        assertThat(task.getTraceId()).isEqualTo(root.getTraceId());
        assertThat(task.getParentSpanId()).isEqualTo(root.getSpanId());
        assertThat(task.getSpanId()).isNotEqualTo(root.getSpanId());
        assertThat(task.getAttributes().get(NODE)).isEqualTo("0");
        assertThat(task.getAttributes().get(CHAIN_ID)).isEqualTo(chainId);
        assertThat(task.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    }

    @Test
    void anErrorMarksTheSpanFailedWithTheMessage() {
        String chainId = UUID.randomUUID().toString();
        Instant now = Instant.now();

        tracing.recordRun(chainId, "pipeline document", now, now, Attributes.empty(), "task ocr.extract_page (1.0) failed: boom");

        assertThat(exported.get(0).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(exported.get(0).getStatus().getDescription()).isEqualTo("task ocr.extract_page (1.0) failed: boom");
    }

    @Test
    void withoutATraceparentATaskRecordsNothing() {
        Instant now = Instant.now();

        tracing.recordChild("c", null, "task core.echo", now, now, Attributes.empty(), null);
        tracing.recordChild("c", "garbage", "task core.echo", now, now, Attributes.empty(), null);

        assertThat(exported).isEmpty();
    }

    @Test
    void offItHandsOutNoTraceparentAndRecordsNothing() {
        Tracing off = new Tracing(new TracingSettings("", "ai-pipeline"));
        String chainId = UUID.randomUUID().toString();
        Instant now = Instant.now();

        off.recordRun(chainId, "pipeline document", now, now, Attributes.empty(), null);
        off.recordChild(chainId, RunTraceContext.traceparent(chainId), "task core.echo", now, now, Attributes.empty(), null);

        assertThat(off.on()).isFalse();
        assertThat(off.traceparent(chainId)).isNull();
        off.destroy();
    }
}
