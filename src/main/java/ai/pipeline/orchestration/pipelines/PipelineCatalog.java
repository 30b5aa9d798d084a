package ai.pipeline.orchestration.pipelines;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.stereotype.Component;

/** Every named pipeline (declared as {@link PipelineDefinition} beans), by name. */
@Component
public class PipelineCatalog {

    private final Map<String, PipelineDefinition> pipelines = new TreeMap<>();

    public PipelineCatalog(List<PipelineDefinition> definitions) {
        definitions.forEach(d -> {
            if (pipelines.put(d.name(), d) != null) {
                throw new IllegalStateException("pipeline " + d.name() + " is defined twice");
            }
        });
    }

    public Optional<PipelineDefinition> find(String name) {
        return Optional.ofNullable(pipelines.get(name));
    }

    public Collection<PipelineDefinition> all() {
        return pipelines.values();
    }
}
