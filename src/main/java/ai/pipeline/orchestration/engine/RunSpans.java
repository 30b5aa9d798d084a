package ai.pipeline.orchestration.engine;

import ai.pipeline.orchestration.store.PipelineStatus;
import ai.pipeline.platform.tracing.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * The root span {@code pipeline <name>} of each run that ended, from its creation to its end,
 * recorded once the commit that stores its end is done (like the metrics). Its tasks' spans are
 * the workers' ({@code TaskRunner}), under the same ids, derived from the chain id.
 */
@Component
class RunSpans {

    private static final AttributeKey<String> PIPELINE = AttributeKey.stringKey("ai.pipeline.name");
    private static final AttributeKey<String> STATUS = AttributeKey.stringKey("ai.pipeline.status");

    private final Tracing tracing;

    RunSpans(Tracing tracing) {
        this.tracing = tracing;
    }

    void record(List<Outbound.Observation> observations) {
        if (!tracing.on()) {
            return;
        }
        for (Outbound.Observation o : observations) {
            if (o.pipeline() && !PipelineStatus.PENDING.name().equals(o.status())) {
                tracing.recordRun(o.chainId(), "pipeline " + o.name(), o.from(), o.to(),
                        Attributes.of(PIPELINE, o.name(), STATUS, o.status()), o.error());
            }
        }
    }
}
