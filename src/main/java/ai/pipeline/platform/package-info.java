/**
 * What the process runs on: the data directory, the Kafka connection (an in-process KRaft broker
 * when no cluster is configured), the topics, the storage root and health. Domains and
 * orchestration use what this module provides; it knows nothing of them. Every Camel route is
 * measured here too ({@code CamelRouteMetrics}: exchanges, failures, processing time by route id).
 */
package ai.pipeline.platform;
