package ai.pipeline.platform.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * A run's trace, derived from its chain id alone: the trace id is the chain id's 128 bits and the
 * root span id is made from them. So every process (a worker in another pod, an orchestrator that
 * took the run up after a restart) names the same trace and root span without storing anything.
 * The context travels between processes as a W3C {@code traceparent} (in Kafka record headers).
 */
public final class RunTraceContext {

    /** The W3C header that carries the context, and its name in Kafka record headers. */
    public static final String TRACEPARENT = "traceparent";

    private static final TextMapGetter<String> TRACEPARENT_ONLY = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String traceparent) {
            return List.of(TRACEPARENT);
        }

        @Override
        public String get(String traceparent, String key) {
            return TRACEPARENT.equals(key) ? traceparent : null;
        }
    };

    private RunTraceContext() {
    }

    /** The root span of the run {@code chainId}: the span its tasks' spans are children of. */
    public static SpanContext root(String chainId) {
        UUID bits = uuidOf(chainId);
        long spanBits = bits.getMostSignificantBits() ^ bits.getLeastSignificantBits();
        String spanId = HexFormat.of().toHexDigits(spanBits == 0 ? 1 : spanBits);
        String traceId = HexFormat.of().toHexDigits(bits.getMostSignificantBits())
                + HexFormat.of().toHexDigits(bits.getLeastSignificantBits());
        return SpanContext.create(traceId, spanId, TraceFlags.getSampled(), TraceState.getDefault());
    }

    /** {@code 00-<trace id>-<root span id>-01}: what a task message of the run carries. */
    public static String traceparent(String chainId) {
        SpanContext root = root(chainId);
        return "00-" + root.getTraceId() + "-" + root.getSpanId() + "-" + root.getTraceFlags().asHex();
    }

    /** The context a {@code traceparent} names; invalid when it is absent or malformed. */
    public static SpanContext parse(String traceparent) {
        if (traceparent == null) {
            return SpanContext.getInvalid();
        }
        Context extracted = W3CTraceContextPropagator.getInstance().extract(Context.root(), traceparent, TRACEPARENT_ONLY);
        return Span.fromContext(extracted).getSpanContext();
    }

    /**
     * A chain id is a UUID (random, or name-based for Kafka requests); anything else, and the nil UUID
     * (a trace id of zeros is invalid), is hashed to one.
     */
    private static UUID uuidOf(String chainId) {
        try {
            UUID uuid = UUID.fromString(chainId);
            if (uuid.getMostSignificantBits() != 0 || uuid.getLeastSignificantBits() != 0) {
                return uuid;
            }
        } catch (IllegalArgumentException notAUuid) {
            // hashed below
        }
        return UUID.nameUUIDFromBytes(chainId.getBytes(StandardCharsets.UTF_8));
    }
}
