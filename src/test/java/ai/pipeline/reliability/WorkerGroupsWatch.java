package ai.pipeline.reliability;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.common.GroupState;

/**
 * How long the workers' consumer groups ({@code worker-<domain>}) take to hand a killed worker's
 * partitions to the survivors: the time until every such group is stable again with only the
 * survivors' members (a stable group has handed out all its partitions).
 */
final class WorkerGroupsWatch implements AutoCloseable {

    private final Admin admin;
    private final Map<String, Integer> membersBefore;

    /** Call while every worker process is up: remembers how many members each worker group has. */
    WorkerGroupsWatch(String bootstrapServers) throws Exception {
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        membersBefore = describe().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().members().size()));
    }

    /**
     * Polls until each group has {@code survivorsShare} of its members (e.g. a half after one of two
     * workers died) and is stable; the time from {@code since}, or empty if that takes over {@code atMost}.
     */
    Optional<Duration> awaitServedBy(double survivorsShare, long sinceNanos, Duration atMost) throws Exception {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (System.nanoTime() < deadline) {
            Map<String, ConsumerGroupDescription> groups = describe();
            boolean served = membersBefore.entrySet().stream().allMatch(before -> {
                ConsumerGroupDescription group = groups.get(before.getKey());
                return group != null && group.groupState() == GroupState.STABLE
                        && group.members().size() == Math.round(before.getValue() * survivorsShare);
            });
            if (served) {
                return Optional.of(Duration.ofNanos(System.nanoTime() - sinceNanos));
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return Optional.empty();
    }

    private Map<String, ConsumerGroupDescription> describe() throws ExecutionException, InterruptedException {
        List<String> workerGroups = admin.listConsumerGroups().all().get().stream()
                .map(ConsumerGroupListing::groupId).filter(id -> id.startsWith("worker-")).toList();
        return admin.describeConsumerGroups(workerGroups).all().get();
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
