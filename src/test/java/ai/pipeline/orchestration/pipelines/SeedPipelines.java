package ai.pipeline.orchestration.pipelines;

import static ai.pipeline.orchestration.canvas.WorkflowBuilder.chain;
import static ai.pipeline.orchestration.canvas.WorkflowBuilder.chord;
import static ai.pipeline.orchestration.canvas.WorkflowBuilder.forEach;
import static ai.pipeline.orchestration.canvas.WorkflowBuilder.group;
import static ai.pipeline.orchestration.canvas.WorkflowBuilder.onFailure;
import static ai.pipeline.orchestration.canvas.WorkflowBuilder.task;

import ai.pipeline.orchestration.canvas.Canvas;
import ai.pipeline.orchestration.canvas.ChordPolicy;
import ai.pipeline.orchestration.pipelines.PipelineDefinition.Stage;
import java.util.ArrayList;
import java.util.List;

/**
 * The pipelines the product ships with as they were built in Java with {@link
 * ai.pipeline.orchestration.canvas.WorkflowBuilder} before they became route files
 * ({@code routes/pipelines/*.camel.yaml}): {@link ShippedPipelineRoutesTest} holds the files to
 * exactly these canvases, stages, inputs and descriptions. Where a chord's body needs what came before the chord as well as the header's results, the header
 * carries it along with {@code core.echo} (its result is {@code {"input": <what came before>}}): the
 * canvas model passes a step only the previous result, and this keeps every step's input explicit
 * in the records.
 */
class SeedPipelines {

    static final String DOCUMENT = "document";
    static final String DOCUMENT_ANALYSIS = "document-analysis";
    static final String IMAGE_ANALYSIS = "image-analysis";
    static final String PARALLEL = "parallel";
    static final String AI_PIPELINE = "ai-pipeline";

    /**
     * A document's pages read in parallel on any OCR worker and put back in page order (steps 0-2:
     * split, one {@code ocr.extract_page} per page, merge), then {@code next}.
     */
    static Canvas.Chain ocrPagesInParallelThen(Canvas... next) {
        List<Canvas> steps = new ArrayList<>(List.of(task("ocr.split_pages"), forEach("pages", task("ocr.extract_page")),
                task("ocr.merge_pages")));
        steps.addAll(List.of(next));
        return new Canvas.Chain(steps);
    }

    PipelineDefinition documentPipeline() {
        return new PipelineDefinition(DOCUMENT,
                "OCR with pages in parallel, reassembled in page order, then an LLM summary",
                ocrPagesInParallelThen(task("llm.summarize")),
                List.of(InputKind.DOCUMENT), List.of());
    }

    PipelineDefinition documentAnalysisPipeline() {
        return new PipelineDefinition(DOCUMENT_ANALYSIS,
                "OCR with pages in parallel, then summary and clause analysis side by side, merged into one result",
                ocrPagesInParallelThen(chord(task("core.echo"), task("llm.summarize"), task("llm.analyze_clauses"))
                        .then(task(PipelineTasks.MERGE_DOCUMENT_ANALYSIS))),
                List.of(InputKind.DOCUMENT), List.of());
    }

    PipelineDefinition imageAnalysisPipeline() {
        return new PipelineDefinition(IMAGE_ANALYSIS,
                "Object detection and OCR in parallel, then one description written from both (a chord), "
                        + "merged with the objects and text",
                chord(task("vision.detect_objects"), task("ocr.extract_text"))
                        .then(chord(task("core.echo"), task("llm.describe")).then(task(PipelineTasks.MERGE_IMAGE_ANALYSIS))),
                List.of(InputKind.IMAGE), List.of());
    }

    PipelineDefinition parallelPipeline() {
        return new PipelineDefinition(PARALLEL,
                "OCR and object detection on one image at the same time (a group); the result is both results, in that order",
                group(task("ocr.extract_text"), task("vision.detect_objects")),
                List.of(InputKind.IMAGE), List.of());
    }

    /**
     * Four stages, each a step of the top-level chain: the stages that need models hand the work to
     * the OCR, vision and LLM domains in a chord and end with a task named after the stage that
     * collects its results; the first and the last stage are single tasks that need no model.
     */
    PipelineDefinition aiPipeline() {
        return new PipelineDefinition(AI_PIPELINE,
                "Preprocessing, feature extraction, model inference and post-processing of an image or a document, "
                        + "each stage visible with its own state and timing",
                // on failure, the files the run wrote (normalized/, results/) are removed
                onFailure(chain(task("media.normalize"),
                        chord(task("core.echo"), task("ocr.extract_text"), task("media.image_features"))
                                .then(task(PipelineTasks.STAGE2_FEATURE_EXTRACTION)),
                        chord(task("core.echo"), task("vision.detect_objects"), task("llm.summarize"))
                                .policy(ChordPolicy.ALL_SETTLED)
                                .then(task(PipelineTasks.STAGE3_MODEL_INFERENCE)),
                        task(PipelineTasks.STAGE4_POST_PROCESSING)),
                        task("core.remove_run_files")),
                List.of(InputKind.IMAGE, InputKind.DOCUMENT),
                List.of(new Stage("stage1_preprocessing", "0",
                                "format by content, hash, page count, an upright RGB PNG in storage"),
                        new Stage("stage2_feature_extraction", "1",
                                "OCR text of every page and image features, side by side"),
                        new Stage("stage3_model_inference", "2",
                                "object detection and a summary of the text, side by side (no text: no summary)"),
                        new Stage("stage4_post_processing", "3",
                                "the structured result, assembled and stored as JSON in storage")));
    }
}
