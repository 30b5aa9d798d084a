package ai.pipeline.k8s;

import ai.pipeline.orchestration.engine.EngineSettings;
import ai.pipeline.platform.KafkaSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ClassPathResource;

/**
 * The application's configuration as a pod would see it, without starting the application: the
 * environment variables of a manifest over {@code application.yml}, bound by Spring Boot's own
 * relaxed binding to the application's settings records.
 */
final class AppProperties {

    private static final List<PropertySource<?>> APPLICATION_YML = load();

    private AppProperties() {
    }

    static EngineSettings engine(Map<String, String> environment) {
        return binder(environment).bindOrCreate("app.engine", EngineSettings.class);
    }

    static KafkaSettings kafka(Map<String, String> environment) {
        return binder(environment).bindOrCreate("app.kafka", KafkaSettings.class);
    }

    /** Every key {@code application.yml} sets. */
    static Set<String> keys() {
        Set<String> keys = new TreeSet<>();
        for (PropertySource<?> source : APPLICATION_YML) {
            keys.addAll(List.of(((EnumerablePropertySource<?>) source).getPropertyNames()));
        }
        return keys;
    }

    static String value(String key) {
        return APPLICATION_YML.stream().map(s -> s.getProperty(key)).filter(v -> v != null).map(String::valueOf)
                .findFirst().orElseThrow(() -> new AssertionError("application.yml has no " + key));
    }

    /** Which of the given properties an environment variable sets, by Spring Boot's relaxed binding. */
    static Set<String> propertiesSetBy(String variable, Set<String> properties) {
        ConfigurationPropertySource source = ConfigurationPropertySource.from(environmentSource(Map.of(variable, "x")));
        Set<String> set = new TreeSet<>();
        for (String property : properties) {
            ConfigurationPropertyName name = ConfigurationPropertyName.adapt(property, '.');
            if (source.getConfigurationProperty(name) != null) {
                set.add(property);
            }
        }
        return set;
    }

    private static Binder binder(Map<String, String> environment) {
        MutablePropertySources sources = new MutablePropertySources();
        sources.addLast(environmentSource(environment));
        APPLICATION_YML.forEach(sources::addLast);
        return new Binder(ConfigurationPropertySources.from(sources));
    }

    /** Named as the JVM's environment source, so that Spring maps its names as it maps real environment variables. */
    private static SystemEnvironmentPropertySource environmentSource(Map<String, String> environment) {
        return new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new LinkedHashMap<>(environment));
    }

    private static List<PropertySource<?>> load() {
        try {
            return new YamlPropertySourceLoader().load("application.yml", new ClassPathResource("application.yml"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
