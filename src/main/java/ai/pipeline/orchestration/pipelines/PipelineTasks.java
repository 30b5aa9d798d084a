package ai.pipeline.orchestration.pipelines;

import ai.pipeline.shared.storage.Storage;
import ai.pipeline.shared.task.TaskArguments;
import ai.pipeline.shared.task.TaskContext;
import ai.pipeline.shared.task.TaskDefinition;
import ai.pipeline.shared.task.TaskFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The seed pipelines' own steps. They compose the results of domain tasks into one answer and call
 * no model: which is why they live here, beside the canvases they belong to, and not in a domain.
 * Each reads the results in the order its canvas in its route file ({@code routes/pipelines/*.camel.yaml}) gives them, checks that
 * each is what it should be, and fails with a message naming the step whose result is missing.
 */
@Configuration(proxyBeanMethods = false)
class PipelineTasks {

    static final String MERGE_DOCUMENT_ANALYSIS = "pipeline.merge_document_analysis";
    static final String MERGE_IMAGE_ANALYSIS = "pipeline.merge_image_analysis";
    static final String STAGE2_FEATURE_EXTRACTION = "pipeline.stage2_feature_extraction";
    static final String STAGE3_MODEL_INFERENCE = "pipeline.stage3_model_inference";
    static final String STAGE4_POST_PROCESSING = "pipeline.stage4_post_processing";
    /** Where the AI pipeline stores its structured results: {@code results/<date>/<chain id>.json}. */
    static final String RESULTS_DIR = "results";

    @Bean
    TaskDefinition mergeDocumentAnalysis(JsonMapper json) {
        return TaskDefinition.of(MERGE_DOCUMENT_ANALYSIS,
                "document-analysis: merges [the OCR result (carried by core.echo), the summary, the clauses] into one result",
                TaskArguments.none(),
                (context, args) -> new Composer(json).documentAnalysis(input(context, json)));
    }

    @Bean
    TaskDefinition mergeImageAnalysis(JsonMapper json) {
        return TaskDefinition.of(MERGE_IMAGE_ANALYSIS,
                "image-analysis: merges [the detection and OCR results (carried by core.echo), the description] into one result",
                TaskArguments.none(),
                (context, args) -> new Composer(json).imageAnalysis(input(context, json)));
    }

    @Bean
    TaskDefinition stage2FeatureExtraction(JsonMapper json) {
        return TaskDefinition.of(STAGE2_FEATURE_EXTRACTION,
                "ai-pipeline stage 2: joins [stage 1's result (carried), the OCR result, the image features]",
                TaskArguments.none(),
                (context, args) -> new Composer(json).stage2(input(context, json)));
    }

    @Bean
    TaskDefinition stage3ModelInference(JsonMapper json) {
        return TaskDefinition.of(STAGE3_MODEL_INFERENCE,
                "ai-pipeline stage 3: joins [stage 2's result (carried), the detections, the summary] (all settled); "
                        + "no summary when there was no text",
                TaskArguments.none(),
                (context, args) -> new Composer(json).stage3(input(context, json)));
    }

    @Bean
    TaskDefinition stage4PostProcessing(JsonMapper json, Storage storage) {
        return TaskDefinition.of(STAGE4_POST_PROCESSING,
                "ai-pipeline stage 4: assembles the structured result and stores it as results/<date>/<chain id>.json",
                TaskArguments.none(),
                (context, args) -> {
                    ObjectNode result = new Composer(json).stage4(input(context, json), context.chainId());
                    result.put("result_path", store(storage, json, context.chainId(), result));
                    return result;
                });
    }

    private static JsonNode input(TaskContext context, JsonMapper json) {
        return json.valueToTree(context.input());
    }

    /** Writes the result (complete or not at all) and returns its path in storage. */
    private static String store(Storage storage, JsonMapper json, String chainId, ObjectNode result) {
        Path dir = storage.root().resolve(RESULTS_DIR).resolve(LocalDate.now().toString());
        Path target = dir.resolve(chainId + ".json");
        try {
            ObjectNode stored = result.deepCopy();
            stored.put("result_path", storage.relativize(target));
            Storage.writeWhole(target, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(stored));
            return storage.relativize(target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the result in " + target, e);
        }
    }

    /** The compositions, on JSON trees; plain functions of their input, unit-tested without the engine. */
    static final class Composer {

        private final JsonMapper json;

        Composer(JsonMapper json) {
            this.json = json;
        }

        /** [core.echo of the OCR result, llm.summarize, llm.analyze_clauses] → the document analysis. */
        ObjectNode documentAnalysis(JsonNode input) {
            JsonNode items = list(input, 3);
            JsonNode ocr = carried(items.get(0), "text", "the OCR result");
            JsonNode summary = member(items.get(1), "summary", "llm.summarize");
            JsonNode clauses = member(items.get(2), "clauses", "llm.analyze_clauses");
            ObjectNode out = json.createObjectNode();
            out.set("page_count", ocr.path("page_count"));
            out.set("languages", ocr.path("languages"));
            out.set("text", ocr.path("text"));
            out.set("pages", pageSummaries(ocr));
            out.set("summary", summary.path("summary"));
            out.set("summary_sentences", summary.path("sentences"));
            out.set("clauses", clauses.path("clauses"));
            TreeSet<String> categories = new TreeSet<>();
            clauses.path("clauses").forEach(c -> categories.add(c.path("category").asString()));
            ArrayNode categoryList = out.putArray("clause_categories");
            categories.forEach(categoryList::add);
            ObjectNode provenance = out.putObject("provenance");
            provenance.set("ocr", ocr.path("provenance"));
            provenance.set("summary", summary.path("provenance"));
            provenance.set("clauses", clauses.path("provenance"));
            return out;
        }

        /** [core.echo of [vision.detect_objects, ocr.extract_text], llm.describe] → the image analysis. */
        ObjectNode imageAnalysis(JsonNode input) {
            JsonNode items = list(input, 2);
            JsonNode header = list(carried(items.get(0), null, "the detection and OCR results"), 2);
            JsonNode detection = member(header.get(0), "objects", "vision.detect_objects");
            JsonNode ocr = member(header.get(1), "text", "ocr.extract_text");
            JsonNode description = member(items.get(1), "description", "llm.describe");
            ObjectNode out = json.createObjectNode();
            out.set("description", description.path("description"));
            out.set("objects", detection.path("objects"));
            out.set("width", detection.path("width"));
            out.set("height", detection.path("height"));
            out.set("text", ocr.path("text"));
            ObjectNode provenance = out.putObject("provenance");
            provenance.set("vision", detection.path("provenance"));
            provenance.set("ocr", ocr.path("provenance"));
            provenance.set("description", description.path("provenance"));
            return out;
        }

        /** [core.echo of media.normalize's result, ocr.extract_text, media.image_features] → the features record. */
        ObjectNode stage2(JsonNode input) {
            JsonNode items = list(input, 3);
            JsonNode normalized = carried(items.get(0), "image_path", "media.normalize");
            JsonNode ocr = member(items.get(1), "pages", "ocr.extract_text");
            JsonNode features = member(items.get(2), "histogram", "media.image_features");
            ObjectNode out = json.createObjectNode();
            out.set("document_path", normalized.path("document_path"));
            out.set("image_path", normalized.path("image_path"));
            out.set("source", normalized.path("source"));
            out.set("page_count", normalized.path("page_count"));
            out.set("image", normalized.path("image"));
            out.set("text", ocr.path("text"));
            ObjectNode ocrSummary = out.putObject("ocr");
            ocrSummary.set("page_count", ocr.path("page_count"));
            ocrSummary.set("languages", ocr.path("languages"));
            ocrSummary.put("mean_confidence", meanConfidence(ocr));
            ocrSummary.set("pages", pageSummaries(ocr));
            ObjectNode featureRecord = ((ObjectNode) features).deepCopy();
            featureRecord.remove("provenance");
            featureRecord.remove("path");
            out.set("features", featureRecord);
            ObjectNode provenance = out.putObject("provenance");
            provenance.set("preprocessing", normalized.path("provenance"));
            provenance.set("ocr", ocr.path("provenance"));
            provenance.set("features", features.path("provenance"));
            return out;
        }

        /**
         * [core.echo of stage 2's result, vision.detect_objects, llm.summarize], each as
         * {@code {"status", "result" | "error"}} (the chord is all-settled): detection must have
         * succeeded; the summary may have failed only because there was no text to summarize.
         */
        ObjectNode stage3(JsonNode input) {
            JsonNode entries = list(input, 3);
            JsonNode stage2 = carried(settled(entries.get(0), "core.echo"), "text", "stage 2");
            JsonNode detection = member(settled(entries.get(1), "vision.detect_objects"), "objects", "vision.detect_objects");
            ObjectNode out = ((ObjectNode) stage2).deepCopy();
            ObjectNode detections = out.putObject("detection");
            detections.set("objects", detection.path("objects"));
            detections.set("width", detection.path("width"));
            detections.set("height", detection.path("height"));
            detections.set("thresholds", detection.path("thresholds"));
            ObjectNode provenance = out.withObjectProperty("provenance");
            provenance.set("vision", detection.path("provenance"));
            JsonNode summaryEntry = entries.get(2);
            if ("SUCCESS".equals(summaryEntry.path("status").asString())) {
                JsonNode summary = member(settled(entries.get(2), "llm.summarize"), "summary", "llm.summarize");
                ObjectNode summaryRecord = out.putObject("summary");
                summaryRecord.set("summary", summary.path("summary"));
                summaryRecord.set("sentences", summary.path("sentences"));
                provenance.set("summary", summary.path("provenance"));
            } else if (stage2.path("text").asString().isBlank()) {
                out.putNull("summary");
                out.put("summary_skipped", "no text was found in the input, so there is nothing to summarize");
            } else {
                throw TaskFailure.invalidInput("llm.summarize failed: " + summaryEntry.path("error").asString());
            }
            return out;
        }

        /** Stage 3's result → the structured result the AI pipeline answers with (and stores). */
        ObjectNode stage4(JsonNode stage3, String chainId) {
            if (!stage3.isObject() || !stage3.has("detection")) {
                throw TaskFailure.invalidInput("expected the result of stage 3 (with \"detection\")");
            }
            ObjectNode out = json.createObjectNode();
            out.put("chain_id", chainId);
            out.set("source", stage3.path("source"));
            out.set("page_count", stage3.path("page_count"));
            ObjectNode image = stage3.path("image").isObject() ? ((ObjectNode) stage3.path("image")).deepCopy() : json.createObjectNode();
            image.set("path", stage3.path("image_path"));
            out.set("image", image);
            out.set("text", stage3.path("text"));
            out.set("ocr", stage3.path("ocr"));
            out.set("features", stage3.path("features"));
            JsonNode objects = stage3.path("detection").path("objects");
            out.set("objects", objects);
            ObjectNode counts = out.putObject("object_counts");
            countLabels(objects).entrySet().stream()
                    .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .forEach(e -> counts.put(e.getKey(), e.getValue()));
            JsonNode summary = stage3.path("summary");
            out.set("summary", summary.isObject() ? summary.path("summary") : json.nullNode());
            out.set("summary_sentences", summary.isObject() ? summary.path("sentences") : json.createArrayNode());
            if (stage3.has("summary_skipped")) {
                out.set("summary_skipped", stage3.path("summary_skipped"));
            }
            out.set("provenance", stage3.path("provenance"));
            return out;
        }

        private static Map<String, Integer> countLabels(JsonNode objects) {
            Map<String, Integer> counts = new TreeMap<>();
            objects.forEach(o -> counts.merge(o.path("label").asString(), 1, Integer::sum));
            return counts;
        }

        /** Per page: number, source, confidence and length, without the words (they stay in the OCR task's result). */
        private ArrayNode pageSummaries(JsonNode ocr) {
            ArrayNode pages = json.createArrayNode();
            for (JsonNode page : ocr.path("pages")) {
                ObjectNode summary = pages.addObject();
                summary.set("page", page.path("page"));
                summary.set("source", page.path("source"));
                summary.set("confidence", page.path("confidence"));
                summary.put("characters", page.path("text").asString().length());
            }
            return pages;
        }

        private static double meanConfidence(JsonNode ocr) {
            double sum = 0;
            int n = 0;
            for (JsonNode page : ocr.path("pages")) {
                if (!page.path("text").asString().isBlank()) {
                    sum += page.path("confidence").asDouble();
                    n++;
                }
            }
            return n == 0 ? 0 : Math.round(sum / n * 100) / 100.0;
        }

        private static JsonNode list(JsonNode input, int size) {
            if (input == null || !input.isArray() || input.size() != size) {
                throw TaskFailure.invalidInput("expected a list of " + size + " results (a chord's header), got "
                        + (input == null || input.isNull() ? "nothing" : input.getNodeType().name().toLowerCase()
                        + (input.isArray() ? " of " + input.size() : "")));
            }
            return input;
        }

        /** A member's result, which must be an object with {@code key}. */
        private static JsonNode member(JsonNode item, String key, String step) {
            if (!item.isObject() || !item.has(key)) {
                throw TaskFailure.invalidInput("expected the result of " + step + " (with \"" + key + "\") in its place of the input");
            }
            return item;
        }

        /** The result in an all-settled chord's entry {@code {"status", "result" | "error"}}; a failed member fails naming the step. */
        private static JsonNode settled(JsonNode entry, String step) {
            if (!"SUCCESS".equals(entry.path("status").asString())) {
                throw TaskFailure.invalidInput(step + " failed: " + entry.path("error").asString("did not report"));
            }
            return entry.path("result");
        }

        /** What {@code core.echo} carried: its {@code input}, which must have {@code key} (when given). */
        private static JsonNode carried(JsonNode item, String key, String what) {
            JsonNode carried = member(item, "input", "core.echo carrying " + what).path("input");
            if (key != null && (!carried.isObject() || !carried.has(key))) {
                throw TaskFailure.invalidInput("expected core.echo to carry " + what + " (with \"" + key + "\")");
            }
            return carried;
        }
    }
}
