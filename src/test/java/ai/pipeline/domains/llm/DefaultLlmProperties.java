package ai.pipeline.domains.llm;

import java.util.Map;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** {@link LlmProperties} as Spring binds them with nothing configured: the defaults users get. */
public final class DefaultLlmProperties {

    private DefaultLlmProperties() {
    }

    public static LlmProperties get() {
        return new Binder(new MapConfigurationPropertySource(Map.of()))
                .bindOrCreate("app.llm", Bindable.of(LlmProperties.class));
    }
}
