package ai.pipeline.orchestration.engine;

import ai.pipeline.platform.KafkaConnection;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * {@code ai.kafka.consumer.lag} [ai_kafka_consumer_lag] by group and topic: records waiting for
 * the orchestrator, the request ingress and each task's workers (what KEDA scales on).
 */
@Component
class ConsumerLagMetrics {

    private static final Logger log = LoggerFactory.getLogger(ConsumerLagMetrics.class);

    private final KafkaConnection kafka;
    private final MeterRegistry registry;
    private final TaskRegistry tasks;
    private final Map<String, AtomicLong> lags = new ConcurrentHashMap<>();

    ConsumerLagMetrics(KafkaConnection kafka, MeterRegistry registry, TaskRegistry tasks) {
        this.kafka = kafka;
        this.registry = registry;
        this.tasks = tasks;
    }

    void refresh() {
        List<String> groups = new ArrayList<>(List.of("orchestrator", "pipeline-requests"));
        tasks.all().stream().map(task -> "worker-" + task.domain()).distinct().forEach(groups::add);
        for (String group : groups) {
            try {
                Map<TopicPartition, OffsetAndMetadata> committed = kafka.admin().listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
                if (committed.isEmpty()) {
                    continue;
                }
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
                var ends = kafka.admin().listOffsets(latest).all().get(5, TimeUnit.SECONDS);
                Map<String, Long> byTopic = new HashMap<>();
                committed.forEach((tp, offset) -> byTopic.merge(tp.topic(),
                        Math.max(0, ends.get(tp).offset() - (offset == null ? 0 : offset.offset())), Long::sum));
                byTopic.forEach((topic, lag) -> gauge(group, topic).set(lag));
            } catch (Exception e) {
                log.debug("No lag for {}: {}", group, e.toString());
            }
        }
    }

    private AtomicLong gauge(String group, String topic) {
        return lags.computeIfAbsent(group + "|" + topic, key -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("ai.kafka.consumer.lag", value, AtomicLong::get).tag("group", group).tag("topic", topic)
                    .description("records not yet consumed by the group").register(registry);
            return value;
        });
    }
}
