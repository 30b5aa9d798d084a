package ai.pipeline.domains.vision;

import ai.pipeline.shared.task.TaskDefinition;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The detector and the tasks the vision domain offers to the engine. */
@Configuration(proxyBeanMethods = false)
class VisionConfiguration {

    /** Starts loading the model in the background; a URL model is downloaded into {@code <app.data-dir>/models}. */
    @Bean(destroyMethod = "close")
    ObjectDetector objectDetector(VisionProperties properties, @Value("${app.data-dir}") Path dataDir) {
        return new ObjectDetector(properties, dataDir.resolve("models"));
    }

    @Bean
    TaskDefinition visionDetectObjectsTask(VisionTasks tasks) {
        return TaskDefinition.of("vision.detect_objects",
                "Objects in an image (COCO-80 by default): label, score and box in upright-image pixels",
                VisionTasks.ARGUMENTS, tasks::detectObjects);
    }

    @Bean
    TaskDefinition visionAnnotateTask(VisionTasks tasks) {
        return TaskDefinition.of("vision.annotate",
                "The image with its detected objects drawn as labelled boxes, written to storage as PNG",
                VisionTasks.ARGUMENTS, tasks::annotate);
    }
}
