package ai.pipeline.ingress;

import org.apache.camel.builder.RouteConfigurationBuilder;
import org.springframework.stereotype.Component;

/**
 * Route configuration {@code ingress-refused-files}: a dropped file that cannot start a pipeline
 * (anything but the transient failures {@code engine-errors} retries) gets its error file written,
 * and its exchange stays failed, so the file component moves the file to {@code .failed/}.
 */
@Component
class RefusedFiles extends RouteConfigurationBuilder {

    static final String ID = "ingress-refused-files";

    private final DropFolder dropFolder;

    RefusedFiles(DropFolder dropFolder) {
        this.dropFolder = dropFolder;
    }

    @Override
    public void configuration() {
        routeConfiguration(ID)
                .onException(Exception.class)
                    .handled(false)
                    .logExhausted(false)
                    .process(dropFolder::refused);
    }
}
