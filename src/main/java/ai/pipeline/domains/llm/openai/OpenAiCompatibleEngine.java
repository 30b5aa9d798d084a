package ai.pipeline.domains.llm.openai;

import ai.pipeline.domains.llm.ClauseAnalysis;
import ai.pipeline.domains.llm.CuadTaxonomy;
import ai.pipeline.domains.llm.Description;
import ai.pipeline.domains.llm.GeneratedText;
import ai.pipeline.domains.llm.LlmEngine;
import ai.pipeline.domains.llm.LlmProperties;
import ai.pipeline.domains.llm.Scene;
import ai.pipeline.domains.llm.Summary;
import ai.pipeline.domains.llm.SummaryBudget;
import ai.pipeline.shared.task.CancellationSignal;
import ai.pipeline.shared.task.Provenance;
import ai.pipeline.shared.task.TaskFailure;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The chat-model engine ({@code app.llm.provider=openai}): any server that speaks OpenAI's
 * chat-completions protocol, through langchain4j, within {@code app.llm.rate-limit} and with retries
 * that honour {@code Retry-After} ({@link ChatModelCaller}). Prompts are versioned resources; clause
 * answers must pass {@link ClauseOutputParser}, get one repair attempt, and otherwise fail clearly.
 */
public final class OpenAiCompatibleEngine implements LlmEngine {

    static final String ENGINE = "openai-compatible";

    private static final Prompt SUMMARIZE = Prompt.load("summarize.v1");
    private static final Prompt CLAUSES = Prompt.load("clauses.v1");
    private static final Prompt CLAUSES_REPAIR = Prompt.load("clauses-repair.v1");
    private static final Prompt DESCRIBE = Prompt.load("describe.v1");

    private final LlmProperties.OpenAi settings;
    private final double minObjectScore;
    private final CuadTaxonomy taxonomy;
    private final ClauseOutputParser clauseParser;
    private final ChatModelCaller caller;

    public OpenAiCompatibleEngine(LlmProperties.OpenAi settings, LlmProperties.RateLimit rateLimit,
            LlmProperties.Describe describe, CuadTaxonomy taxonomy) {
        if (settings.model().isBlank()) {
            throw new IllegalStateException("app.llm.provider=openai needs app.llm.openai.model (the served model's name)");
        }
        this.settings = settings;
        this.minObjectScore = describe.minScore();
        this.taxonomy = taxonomy;
        this.clauseParser = new ClauseOutputParser(taxonomy);
        OpenAiChatModel model = OpenAiChatModel.builder()
                .baseUrl(settings.baseUrl())
                .apiKey(settings.apiKey().isBlank() ? "none" : settings.apiKey()) // local servers ignore it
                .modelName(settings.model())
                .temperature(settings.temperature())
                .maxTokens(settings.maxTokens())
                .timeout(settings.timeout())
                .maxRetries(0) // ChatModelCaller retries, honouring Retry-After
                .httpClientBuilder(ModelServerHttpClient.builder())
                .build();
        this.caller = new ChatModelCaller(model,
                new RateLimiter(rateLimit.requestsPerMinute(), rateLimit.maxConcurrent(), rateLimit.maxWait()),
                new ChatModelCaller.Settings(settings.maxRetries(), settings.initialBackoff(), settings.maxBackoff(),
                        settings.maxRetryAfter(), settings.timeout()),
                settings.baseUrl());
    }

    @Override
    public GeneratedText generate(String prompt, CancellationSignal cancellation) {
        long started = System.nanoTime();
        ChatModelCaller.Outcome outcome = caller.chat(ChatRequest.builder().messages(UserMessage.from(prompt)).build(),
                cancellation);
        return new GeneratedText(text(outcome), provenance("generate", List.of(outcome), started));
    }

    @Override
    public Summary summarize(String text, SummaryBudget budget, CancellationSignal cancellation) {
        long started = System.nanoTime();
        String instructions = SUMMARIZE.render(Map.of("max_sentences", budget.maxSentences(),
                "max_chars", budget.maxChars()));
        ChatModelCaller.Outcome outcome = caller.chat(ChatRequest.builder()
                .messages(SystemMessage.from(instructions), UserMessage.from(text)).build(), cancellation);
        // abstractive: the summary's sentences are the model's, not the input's, so none are listed
        return new Summary(text(outcome).strip(), List.of(), provenance(SUMMARIZE.id(), List.of(outcome), started));
    }

    @Override
    public ClauseAnalysis analyzeClauses(String text, CancellationSignal cancellation) {
        long started = System.nanoTime();
        List<ChatMessage> messages = new ArrayList<>(List.of(
                SystemMessage.from(CLAUSES.render(Map.of(
                        "categories", taxonomy.categories().stream()
                                .map(c -> "- " + c.name() + ": " + c.description()).collect(Collectors.joining("\n")),
                        "schema", clauseParser.schemaText()))),
                UserMessage.from(text)));
        ChatModelCaller.Outcome first = caller.chat(clauseRequest(messages), cancellation);
        ClauseOutputParser.Result result = clauseParser.parse(text(first), text);
        if (result.valid()) {
            return new ClauseAnalysis(result.clauses(), provenance(CLAUSES.id(), List.of(first), started));
        }
        messages.add(AiMessage.from(text(first)));
        messages.add(UserMessage.from(CLAUSES_REPAIR.render(Map.of("problems", String.join("; ", result.problems())))));
        ChatModelCaller.Outcome second = caller.chat(clauseRequest(messages), cancellation);
        ClauseOutputParser.Result repaired = clauseParser.parse(text(second), text);
        if (!repaired.valid()) {
            // CONFLICT (409, not retried): the configured model cannot produce what is asked, and the
            // same request would most likely get the same answer
            throw new TaskFailure(TaskFailure.Reason.CONFLICT, "the chat model (" + settings.model()
                    + ") gave no valid clause JSON in 2 attempts: " + String.join("; ", repaired.problems()));
        }
        return new ClauseAnalysis(repaired.clauses(), provenance(CLAUSES.id(), List.of(first, second), started));
    }

    @Override
    public Description describe(Scene scene, CancellationSignal cancellation) {
        long started = System.nanoTime();
        List<Scene.LabelCount> counts = scene.labelCounts(minObjectScore);
        String objects = counts.isEmpty() ? "(none)" : counts.stream()
                .map(c -> "- " + c.label() + " × " + c.count() + " (best confidence " + Math.round(c.bestScore() * 100) + " %)")
                .collect(Collectors.joining("\n"));
        String ocrText = scene.text().isBlank() ? "(none)" : "\"" + scene.text().strip() + "\"";
        ChatModelCaller.Outcome outcome = caller.chat(ChatRequest.builder().messages(
                SystemMessage.from(DESCRIBE.render(Map.of())),
                UserMessage.from("Detected objects:\n" + objects + "\n\nText read by OCR: " + ocrText)).build(),
                cancellation);
        return new Description(text(outcome).strip(), provenance(DESCRIBE.id(), List.of(outcome), started));
    }

    @Override
    public String toString() {
        return "an OpenAI-compatible chat model (" + settings.model() + " at " + settings.baseUrl() + ")";
    }

    private ChatRequest clauseRequest(List<ChatMessage> messages) {
        ChatRequest.Builder request = ChatRequest.builder().messages(messages);
        if (settings.jsonMode()) {
            request.responseFormat(ResponseFormat.JSON); // response_format json_object: vLLM, llama.cpp, Ollama
        }
        return request.build();
    }

    private static String text(ChatModelCaller.Outcome outcome) {
        String text = outcome.response().aiMessage().text();
        return text == null ? "" : text;
    }

    private Provenance provenance(String version, List<ChatModelCaller.Outcome> calls, long startedNanos) {
        ChatModelCaller.Outcome last = calls.get(calls.size() - 1);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("calls", calls.size());
        details.put("attempts", calls.stream().mapToInt(ChatModelCaller.Outcome::attempts).sum());
        calls.stream().map(call -> call.response().tokenUsage()).filter(usage -> usage != null)
                .reduce(dev.langchain4j.model.output.TokenUsage::add).ifPresent(usage -> {
                    putIfPresent(details, "input_tokens", usage.inputTokenCount());
                    putIfPresent(details, "output_tokens", usage.outputTokenCount());
                });
        putIfPresent(details, "finish_reason", last.response().finishReason());
        String model = last.response().modelName() == null ? settings.model() : last.response().modelName();
        return new Provenance(ENGINE, version, model, details, (System.nanoTime() - startedNanos) / 1_000_000);
    }

    private static void putIfPresent(Map<String, Object> details, String key, Object value) {
        if (value != null) {
            details.put(key, value instanceof Enum<?> e ? e.name().toLowerCase() : value);
        }
    }
}
