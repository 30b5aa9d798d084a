package ai.pipeline.orchestration.pipelines;

import ai.pipeline.orchestration.engine.TaskRegistry;
import ai.pipeline.shared.task.TaskDefinition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Pipeline route files are checked against the registered tasks and the arguments each declares. */
@Configuration(proxyBeanMethods = false)
class PipelineRoutesConfiguration {

    @Bean
    PipelineRouteFiles pipelineRouteFiles(TaskRegistry registry) {
        return new PipelineRouteFiles(new PipelineRouteCompiler(name -> registry.find(name).map(TaskDefinition::arguments)));
    }
}
