package ai.pipeline.bench;

import ai.pipeline.testsupport.TopicLog;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where the time of runs measured one at a time goes, from the timestamps Kafka keeps of their
 * records (each producer's clock, all on this machine, in ms): request → first task message, task
 * message → its report (the worker's hop), report → the next task message (the orchestrator's hop)
 * and last report → the run's end event (its commit, then the outbox). Medians over all runs, and
 * means: a timestamp is a whole millisecond, so a hop of about 2 ms has a median of 1.0, 2.0 or 3.0,
 * while the mean of many runs resolves it to a tenth.
 */
final class IsolatedHops {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private IsolatedHops() {
    }

    /** The hops as two JSON objects of the same fields: their medians ({@code hops_p50}) and means ({@code hops_mean}). */
    record Hops(String p50, String mean) {
    }

    static Hops of(String bootstrap, Collection<String> requestIds) {
        Set<String> wanted = Set.copyOf(requestIds);
        Map<String, Long> requestAt = new HashMap<>();
        for (ConsumerRecord<String, String> record : TopicLog.readRecords(bootstrap, "ai.pipeline.requests")) {
            if (wanted.contains(record.key())) {
                requestAt.put(record.key(), record.timestamp());
            }
        }
        Map<String, String> requestOf = new HashMap<>();
        Map<String, Long> endAt = new HashMap<>();
        for (ConsumerRecord<String, String> record : TopicLog.readRecords(bootstrap, "ai.pipeline.events")) {
            JsonNode event = JSON.readTree(record.value());
            if (event.path("kind").asString().equals("pipeline") && wanted.contains(event.path("request_id").asString())
                    && event.path("status").asString().equals("SUCCESS")) {
                requestOf.put(record.key(), event.path("request_id").asString());
                endAt.put(record.key(), record.timestamp());
            }
        }
        Map<String, List<Long>> tasks = timestamps(bootstrap, "ai.tasks.core.echo", requestOf.keySet(), false);
        Map<String, List<Long>> reports = timestamps(bootstrap, "ai.task-results", requestOf.keySet(), true);
        List<Long> first = new ArrayList<>();
        List<Long> worker = new ArrayList<>();
        List<Long> orchestrator = new ArrayList<>();
        List<Long> tail = new ArrayList<>();
        requestOf.forEach((chain, request) -> {
            List<Long> sent = tasks.getOrDefault(chain, List.of());
            List<Long> reported = reports.getOrDefault(chain, List.of());
            if (sent.isEmpty() || reported.size() != sent.size() || !requestAt.containsKey(request)) {
                return;
            }
            first.add(sent.get(0) - requestAt.get(request));
            for (int i = 0; i < sent.size(); i++) {
                worker.add(reported.get(i) - sent.get(i));
                long dispatchedAt = sent.get(i);
                reported.stream().filter(at -> at <= dispatchedAt).max(Long::compare)
                        .ifPresent(previous -> orchestrator.add(dispatchedAt - previous));
            }
            tail.add(endAt.get(chain) - reported.get(reported.size() - 1));
        });
        return new Hops(summary(first.size(), IsolatedHops::median, first, worker, orchestrator, tail),
                summary(first.size(), IsolatedHops::mean, first, worker, orchestrator, tail));
    }

    private static String summary(int runs, Function<List<Long>, String> statistic, List<Long> first, List<Long> worker,
                                  List<Long> orchestrator, List<Long> tail) {
        return String.format(Locale.ROOT, "{\"runs\": %d, \"request_to_first_task_ms\": %s, \"task_to_report_ms\": %s, "
                        + "\"report_to_next_task_ms\": %s, \"last_report_to_end_event_ms\": %s}",
                runs, statistic.apply(first), statistic.apply(worker), statistic.apply(orchestrator), statistic.apply(tail));
    }

    private static String mean(List<Long> values) {
        return values.isEmpty() ? "null"
                : String.format(Locale.ROOT, "%.2f", values.stream().mapToLong(Long::longValue).average().orElseThrow());
    }

    /** The chains' task messages (or FINISHED reports), in order of their timestamps. */
    private static Map<String, List<Long>> timestamps(String bootstrap, String topic, Set<String> chains, boolean reports) {
        Map<String, List<Long>> byChain = new HashMap<>();
        for (ConsumerRecord<String, String> record : TopicLog.readRecords(bootstrap, topic)) {
            if (chains.contains(record.key())
                    && (!reports || JSON.readTree(record.value()).path("type").asString().equals("FINISHED"))) {
                byChain.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(record.timestamp());
            }
        }
        byChain.values().forEach(list -> list.sort(Long::compare));
        return byChain;
    }

    private static String median(List<Long> values) {
        if (values.isEmpty()) {
            return "null";
        }
        List<Long> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return String.format(Locale.ROOT, "%.1f", n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0);
    }
}
