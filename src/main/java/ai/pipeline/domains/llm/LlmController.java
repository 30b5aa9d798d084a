package ai.pipeline.domains.llm;

import ai.pipeline.shared.api.ApiResponse;
import ai.pipeline.shared.task.CancellationSignal;
import ai.pipeline.shared.task.TaskFailure;
import java.util.List;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The LLM tasks, synchronously: one JSON request, one answer in the envelope. */
@RestController
@RequestMapping("/api/v1/llm")
class LlmController {

    record GenerateRequest(String prompt) {
    }

    record SummarizeRequest(String text, Integer maxSentences, Integer maxChars) {
    }

    record ClausesRequest(String text) {
    }

    record DescribeRequest(List<Object> objects, Object text) {
    }

    private final LlmService llm;

    LlmController(LlmService llm) {
        this.llm = llm;
    }

    /** {@code {"prompt": …}} → {@code data.text}. */
    @PostMapping("/generate")
    ApiResponse<GeneratedText> generate(@RequestBody GenerateRequest request) {
        return ApiResponse.ok(llm.generate(request.prompt(), CancellationSignal.NEVER));
    }

    /** {@code {"text": …, "max_sentences"?: n, "max_chars"?: n}} → {@code data.summary}, {@code data.sentences[]}. */
    @PostMapping("/summarize")
    ApiResponse<Summary> summarize(@RequestBody SummarizeRequest request) {
        return ApiResponse.ok(llm.summarize(request.text(), request.maxSentences(), request.maxChars(),
                CancellationSignal.NEVER));
    }

    /** {@code {"text": …}} → {@code data.clauses[]} of {@code {category, text, score, start, end}}. */
    @PostMapping("/clauses")
    ApiResponse<ClauseAnalysis> clauses(@RequestBody ClausesRequest request) {
        return ApiResponse.ok(llm.analyzeClauses(request.text(), CancellationSignal.NEVER));
    }

    /** {@code {"objects": [{"label", "score"}…], "text": …}} → {@code data.description}. */
    @PostMapping("/describe")
    ApiResponse<Description> describe(@RequestBody DescribeRequest request) {
        if (request.objects() == null && request.text() == null) {
            throw TaskFailure.invalidInput(
                    "nothing to describe: give \"objects\" (detections) and/or \"text\"");
        }
        return ApiResponse.ok(llm.describe(TaskInputs.scene(request.objects(), request.text()),
                CancellationSignal.NEVER));
    }
}
