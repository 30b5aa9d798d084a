package ai.pipeline.orchestration.engine;

import ai.pipeline.orchestration.canvas.CanvasJson;
import ai.pipeline.orchestration.canvas.CanvasOptions;
import ai.pipeline.orchestration.canvas.CanvasValidator;
import ai.pipeline.shared.storage.Storage;
import ai.pipeline.shared.task.TaskDefinition;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.processor.aggregate.MemoryAggregationRepository;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
class EngineConfiguration {

    @Bean
    Topics engineTopics(TaskRegistry registry) {
        return new Topics(registry.names());
    }

    /**
     * The join aggregator's state lives in memory, beside the engine's records of the same runs: it is
     * rebuilt from the stored task records when the engine takes runs up after a restart
     * ({@link PipelineEngine#recover()}), so nothing of it needs storing on its own.
     */
    @Bean
    MemoryAggregationRepository joinRepository() {
        return new MemoryAggregationRepository(true);
    }

    /** Feeds go to the {@code orchestration-join} route in the caller's thread, in order. */
    @Bean
    JoinFeeder joinFeeder(ProducerTemplate producer) {
        return feeds -> feeds.forEach(feed ->
                producer.sendBodyAndHeader(EngineRoutes.JOIN, feed, EngineRoutes.JOIN_KEY, feed.key()));
    }

    @Bean
    ClaimChecks claimChecks(Storage storage, JsonMapper json, EngineSettings settings) {
        return new ClaimChecks(storage, json, settings.claimCheckAbove().toBytes());
    }

    @Bean
    CanvasJson canvasJson(JsonMapper json) {
        return new CanvasJson(json);
    }

    @Bean
    CanvasValidator canvasValidator(TaskRegistry registry, EngineSettings settings) {
        return new CanvasValidator(name -> registry.find(name).map(TaskDefinition::arguments), settings.maxNesting(),
                settings.maxTasks());
    }

    @Bean
    CanvasOptions canvasOptions(TaskRegistry registry) {
        return new CanvasOptions(name -> registry.find(name).map(TaskDefinition::arguments));
    }
}
