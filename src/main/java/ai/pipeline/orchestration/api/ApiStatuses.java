package ai.pipeline.orchestration.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The statuses an operation answers with, for the OpenAPI document ({@link OpenApiConfiguration}
 * turns them into responses with the envelope's schema and a standard meaning per status). An
 * operation without it is documented with every error status the exception handler can produce.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@interface ApiStatuses {

    /** The success status: 200, 201 or 202. */
    int success() default 200;

    /** The error statuses this operation can answer with (401 is added when API keys are on). */
    int[] errors();
}
