package ai.pipeline.testsupport;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The whole application on a random port with the real embedded Kafka broker and H2, in a fresh
 * data directory under {@code target/}. Every test class that uses exactly this annotation shares
 * one application context (Spring's context cache), so the suite starts it once.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "app.data-dir=target/test-data/${random.uuid}")
public @interface AppTest {
}
