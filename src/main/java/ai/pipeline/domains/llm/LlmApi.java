package ai.pipeline.domains.llm;

import ai.pipeline.shared.api.ApiRequests;
import ai.pipeline.shared.api.ApiResponse;
import ai.pipeline.shared.task.CancellationSignal;
import ai.pipeline.shared.task.TaskFailure;
import java.util.List;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/** The LLM tasks, synchronously ({@code routes/rest/api-llm.camel.yaml}): one JSON request, one answer in the envelope. */
@Component("llmApi")
class LlmApi {

    record GenerateRequest(String prompt) {
    }

    record SummarizeRequest(String text, Integer maxSentences, Integer maxChars) {
    }

    record ClausesRequest(String text) {
    }

    record DescribeRequest(List<Object> objects, Object text) {
    }

    private final LlmService llm;
    private final ApiRequests requests;

    LlmApi(LlmService llm, ApiRequests requests) {
        this.llm = llm;
        this.requests = requests;
    }

    /** {@code {"prompt": …}} → {@code data.text}. */
    public ApiResponse<GeneratedText> generate(Message message) {
        GenerateRequest request = requests.body(message, GenerateRequest.class);
        return ApiResponse.ok(llm.generate(request.prompt(), CancellationSignal.NEVER));
    }

    /** {@code {"text": …, "max_sentences"?: n, "max_chars"?: n}} → {@code data.summary}, {@code data.sentences[]}. */
    public ApiResponse<Summary> summarize(Message message) {
        SummarizeRequest request = requests.body(message, SummarizeRequest.class);
        return ApiResponse.ok(llm.summarize(request.text(), request.maxSentences(), request.maxChars(),
                CancellationSignal.NEVER));
    }

    /** {@code {"text": …}} → {@code data.clauses[]} of {@code {category, text, score, start, end}}. */
    public ApiResponse<ClauseAnalysis> clauses(Message message) {
        ClausesRequest request = requests.body(message, ClausesRequest.class);
        return ApiResponse.ok(llm.analyzeClauses(request.text(), CancellationSignal.NEVER));
    }

    /** {@code {"objects": [{"label", "score"}…], "text": …}} → {@code data.description}. */
    public ApiResponse<Description> describe(Message message) {
        DescribeRequest request = requests.body(message, DescribeRequest.class);
        if (request.objects() == null && request.text() == null) {
            throw TaskFailure.invalidInput(
                    "nothing to describe: give \"objects\" (detections) and/or \"text\"");
        }
        return ApiResponse.ok(llm.describe(TaskInputs.scene(request.objects(), request.text()),
                CancellationSignal.NEVER));
    }
}
