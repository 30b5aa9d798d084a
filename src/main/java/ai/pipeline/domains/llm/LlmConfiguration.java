package ai.pipeline.domains.llm;

import ai.pipeline.domains.llm.local.LocalEngine;
import ai.pipeline.domains.llm.openai.OpenAiCompatibleEngine;
import ai.pipeline.shared.task.TaskDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The LLM domain's engine (chosen by {@code app.llm.provider}) and the four tasks it offers. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(LlmProperties.class)
class LlmConfiguration {

    private static final Logger log = LoggerFactory.getLogger(LlmConfiguration.class);

    @Bean
    LlmEngine llmEngine(LlmProperties properties) {
        CuadTaxonomy taxonomy = CuadTaxonomy.load();
        LlmEngine engine = switch (properties.provider()) {
            case LOCAL -> new LocalEngine(taxonomy, properties.clauses(), properties.describe());
            case OPENAI -> new OpenAiCompatibleEngine(properties.openai(), properties.rateLimit(), properties.describe(),
                    taxonomy);
        };
        log.info("LLM tasks served by {}", engine);
        return engine;
    }

    @Bean
    LlmService llmService(LlmEngine engine, LlmProperties properties) {
        return new LlmService(engine, properties);
    }

    /** Loads the embedding model off the start-up path, so the first request does not pay for it. */
    @Bean
    ApplicationListener<ApplicationReadyEvent> llmWarmUp(LlmEngine engine, LlmProperties properties) {
        return event -> {
            if (properties.local().warmUp()) {
                Thread thread = new Thread(() -> {
                    try {
                        engine.warmUp();
                    } catch (RuntimeException e) {
                        log.warn("LLM engine warm-up failed; models load on first use: {}", e.toString());
                    }
                }, "llm-warm-up");
                thread.setDaemon(true);
                thread.start();
            }
        };
    }

    @Bean
    TaskDefinition llmGenerateText(LlmService llm) {
        return TaskDefinition.of("llm.generate_text",
                "Text from a prompt by the configured chat model: args.prompt, a template whose {{field}} and "
                        + "{{a.b}} are filled from the previous result (e.g. \"List the dates in: {{text}}\" after OCR), "
                        + "or the input's prompt; fails with a configuration error when no chat model is configured",
                TaskInputs.GENERATE,
                (context, args) -> llm.generate(TaskInputs.prompt(context, args), context.input(), context.cancellation()));
    }

    @Bean
    TaskDefinition llmSummarize(LlmService llm, LlmProperties properties) {
        return TaskDefinition.of("llm.summarize",
                "Summary of a text (args.text, or the input's \"text\", e.g. an OCR result); "
                        + "args.max_sentences and args.max_chars bound it",
                TaskInputs.summarize(properties.maxInputChars()),
                (context, args) -> llm.summarize(TaskInputs.text(context, args), TaskInputs.optionalInt(args, "max_sentences"),
                        TaskInputs.optionalInt(args, "max_chars"), context.cancellation()));
    }

    @Bean
    TaskDefinition llmAnalyzeClauses(LlmService llm) {
        return TaskDefinition.of("llm.analyze_clauses",
                "Contract clauses of a text, each labelled with a CUAD category, with character offsets",
                TaskInputs.TEXT_ONLY,
                (context, args) -> llm.analyzeClauses(TaskInputs.text(context, args), context.cancellation()));
    }

    @Bean
    TaskDefinition llmDescribe(LlmService llm) {
        return TaskDefinition.of("llm.describe",
                "One description of a scene from detected objects and OCR text "
                        + "(a chord body: the input is the list of the header's results)",
                TaskInputs.DESCRIBE,
                (context, args) -> llm.describe(TaskInputs.scene(context, args), context.cancellation()));
    }
}
