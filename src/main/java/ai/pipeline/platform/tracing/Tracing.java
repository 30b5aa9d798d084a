package ai.pipeline.platform.tracing;

import ai.pipeline.platform.HostName;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The spans of pipeline runs, one trace per run ({@link RunTraceContext}): the run's root span,
 * recorded by the orchestrator when the run ends, and a span per task attempt, recorded by the
 * worker that ran it as a child of the {@code traceparent} its task message carried. Spans are
 * recorded after the fact with their real start and end, and exported in batches by a background
 * thread (the SDK's {@link BatchSpanProcessor}; a full queue drops spans rather than wait).
 * <p>
 * Off unless {@code app.tracing.otlp-endpoint} is set. Off, {@link #on()} is false, no
 * {@code traceparent} is handed out and nothing is recorded: the callers' only cost is that check.
 */
@Component
public class Tracing implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(Tracing.class);
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(3);
    private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
    private static final AttributeKey<String> SERVICE_INSTANCE = AttributeKey.stringKey("service.instance.id");
    /** On every span of a run, root or task: what the dashboard and the API find the run by. */
    private static final AttributeKey<String> CHAIN_ID = AttributeKey.stringKey("ai.pipeline.chain_id");

    private final SdkTracerProvider provider;
    private final Tracer tracer;
    private final RootIds rootIds = new RootIds();

    @Autowired
    public Tracing(TracingSettings settings) {
        this(settings.enabled()
                ? BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder().setEndpoint(settings.otlpEndpoint()).build()).build()
                : null, settings.serviceName());
    }

    /** Records through {@code processor}; null: tracing is off. */
    Tracing(SpanProcessor processor, String serviceName) {
        if (processor == null) {
            provider = null;
            tracer = null;
            return;
        }
        provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(SERVICE_NAME, serviceName,
                        SERVICE_INSTANCE, HostName.get() + "/" + ManagementFactory.getRuntimeMXBean().getPid()))))
                .setIdGenerator(rootIds)
                .addSpanProcessor(processor)
                .build();
        tracer = provider.get("ai.pipeline");
    }

    /** No tracing: for tests of the classes that record spans. */
    public static Tracing off() {
        return new Tracing(null, null);
    }

    public boolean on() {
        return provider != null;
    }

    /** The {@code traceparent} a task message of the run carries; null when tracing is off. */
    public String traceparent(String chainId) {
        return on() ? RunTraceContext.traceparent(chainId) : null;
    }

    /** The run's root span, with the ids derived from its chain id; {@code error}, if any, marks it failed. */
    public void recordRun(String chainId, String name, Instant start, Instant end, Attributes attributes, String error) {
        if (!on()) {
            return;
        }
        rootIds.next.set(RunTraceContext.root(chainId));
        try {
            record(tracer.spanBuilder(name).setNoParent(), chainId, start, end, attributes, error);
        } finally {
            rootIds.next.remove();
        }
    }

    /** A span of the run under the one {@code traceparent} names (absent or invalid: none, the run is not traced). */
    public void recordChild(String chainId, String traceparent, String name, Instant start, Instant end,
                            Attributes attributes, String error) {
        SpanContext parent = on() ? RunTraceContext.parse(traceparent) : SpanContext.getInvalid();
        if (parent.isValid()) {
            record(tracer.spanBuilder(name).setParent(Context.root().with(Span.wrap(parent))), chainId, start, end,
                    attributes, error);
        }
    }

    /** Tracing never fails the work it observes: a span it cannot make is logged and dropped. */
    private static void record(SpanBuilder span, String chainId, Instant start, Instant end, Attributes attributes,
                               String error) {
        if (start == null || end == null) {
            return;
        }
        try {
            Span started = span.setSpanKind(SpanKind.INTERNAL).setStartTimestamp(nanos(start), TimeUnit.NANOSECONDS)
                    .setAttribute(CHAIN_ID, chainId).setAllAttributes(attributes).startSpan();
            if (error != null) {
                started.setStatus(StatusCode.ERROR, error);
            }
            started.end(nanos(end), TimeUnit.NANOSECONDS);
        } catch (RuntimeException e) {
            log.warn("A span of {} was not recorded: {}", chainId, e.toString());
        }
    }

    private static long nanos(Instant instant) {
        return TimeUnit.SECONDS.toNanos(instant.getEpochSecond()) + instant.getNano();
    }

    /** Sends what is still queued, waiting a few seconds at most (a collector that is away must not hold up a stop). */
    @Override
    public void destroy() {
        if (provider != null) {
            provider.shutdown().join(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Random ids, but for a run's root span the ids {@link RunTraceContext} derives: the SDK asks its
     * id generator for a root span's ids, and {@link #recordRun} names them here, on its own thread.
     */
    private static final class RootIds implements IdGenerator {
        private final IdGenerator random = IdGenerator.random();
        private final ThreadLocal<SpanContext> next = new ThreadLocal<>();

        @Override
        public String generateSpanId() {
            SpanContext root = next.get();
            return root != null ? root.getSpanId() : random.generateSpanId();
        }

        @Override
        public String generateTraceId() {
            SpanContext root = next.get();
            return root != null ? root.getTraceId() : random.generateTraceId();
        }
    }
}
