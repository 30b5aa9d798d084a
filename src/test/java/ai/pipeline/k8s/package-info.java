/**
 * Tests of the deployment: the Kustomize overlays in {@code k8s/} rendered without a cluster (a
 * small renderer of the Kustomize features they use), each object checked against its kind's schema
 * (the fabric8 model for built-in kinds, JSON schemas for the operators' custom resources) and
 * against the application's own code (topics, task roles, consumer groups, settings), the
 * Dockerfile's key lines and the Grafana dashboard's metric names.
 */
package ai.pipeline.k8s;
