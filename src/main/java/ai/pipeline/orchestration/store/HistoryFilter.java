package ai.pipeline.orchestration.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a history search asks for; every part optional, all of them must hold. Values reach SQL only
 * as parameters. {@code chainIdPrefix} matches the start of a chain id (the dashboard shows the first
 * eight characters), so it must hold no LIKE wildcards — the API checks it is letters, digits and dashes.
 */
public record HistoryFilter(String pipeline, Set<PipelineStatus> statuses, String chainIdPrefix, String requestId,
                            String source, Instant createdFrom, Instant createdTo) {

    public HistoryFilter {
        statuses = statuses == null ? Set.of() : Set.copyOf(statuses);
        if (chainIdPrefix != null && !chainIdPrefix.matches("[A-Za-z0-9-]*")) {
            throw new IllegalArgumentException("a chain id prefix is letters, digits and dashes");
        }
    }

    /**
     * The WHERE clause (or nothing) for these conditions; their values are appended to {@code args}. Also
     * read by {@code scheduled_run}, whose searched columns have the same names.
     */
    public String where(List<Object> args) {
        List<String> conditions = new ArrayList<>();
        if (pipeline != null) {
            conditions.add("pipeline = ?");
            args.add(pipeline);
        }
        if (!statuses.isEmpty()) {
            conditions.add("status IN (" + String.join(", ", statuses.stream().map(s -> "?").toList()) + ")");
            statuses.stream().map(Enum::name).sorted().forEach(args::add);
        }
        if (chainIdPrefix != null && !chainIdPrefix.isEmpty()) {
            conditions.add("chain_id LIKE ?");
            args.add(chainIdPrefix + "%");
        }
        if (requestId != null) {
            conditions.add("request_id = ?");
            args.add(requestId);
        }
        if (source != null) {
            conditions.add("source = ?");
            args.add(source);
        }
        if (createdFrom != null) {
            conditions.add("created_at >= ?");
            args.add(OffsetDateTime.ofInstant(createdFrom, ZoneOffset.UTC));
        }
        if (createdTo != null) {
            conditions.add("created_at < ?");
            args.add(OffsetDateTime.ofInstant(createdTo, ZoneOffset.UTC));
        }
        return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    /**
     * Newest first, led by the column an equality condition fixes (the pipeline, or a single status):
     * the order is the same, but H2 then walks that column's index, {@code (pipeline, created_at DESC)}
     * or {@code (status, created_at DESC)}, in order and stops at the page. Ordered by
     * {@code created_at} alone it reads every run the condition matches to sort them (a page of SUCCESS
     * runs among 130,000: 12 ms against 0.1 ms), and the benchmark's reading of the SUCCESS count
     * took 8 % of the application's CPU.
     */
    public String orderBy() {
        String fixed = pipeline != null ? "pipeline, " : statuses.size() == 1 ? "status, " : "";
        return " ORDER BY " + fixed + "created_at DESC, chain_id";
    }
}
