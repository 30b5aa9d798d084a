/**
 * Tests of the deployment: the Kustomize overlays in {@code k8s/} rendered by {@code kubectl
 * kustomize} without a cluster (skipped without kubectl), each object checked against its kind's
 * schema (the fabric8 model for built-in kinds, the operators' own CRDs for their custom resources)
 * and against the application's own code (topics, task roles, consumer groups, settings), the
 * Dockerfile's key lines and its native-stripping script, and the Grafana dashboard's metric names.
 */
package ai.pipeline.k8s;
