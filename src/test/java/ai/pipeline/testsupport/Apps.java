package ai.pipeline.testsupport;

import ai.pipeline.Application;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts the application inside the test JVM with given properties, for tests that need to restart it or point it elsewhere. */
public final class Apps {

    private Apps() {
    }

    public static ConfigurableApplicationContext start(Map<String, String> properties) {
        List<String> args = new ArrayList<>();
        args.add("--server.port=0");
        properties.forEach((key, value) -> args.add("--" + key + "=" + value));
        return new SpringApplicationBuilder(Application.class).run(args.toArray(String[]::new));
    }
}
