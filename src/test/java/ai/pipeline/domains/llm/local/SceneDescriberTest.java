package ai.pipeline.domains.llm.local;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.domains.llm.Scene;
import ai.pipeline.domains.llm.Scene.Detection;
import java.util.List;
import org.junit.jupiter.api.Test;

class SceneDescriberTest {

    private final SceneDescriber describer = new SceneDescriber(0.5, 40);

    @Test
    void countsLabelsMostConfidentFirst() {
        Scene scene = new Scene(List.of(new Detection("car", 0.6), new Detection("person", 0.9), new Detection("car", 0.7),
                new Detection("person", 0.8), new Detection("person", 0.55), new Detection("kite", 0.2)), "");

        assertThat(describer.describe(scene)).isEqualTo("The image shows three people and two cars.");
    }

    @Test
    void pluralisesCocoLabels() {
        assertThat(SceneDescriber.plural("bus")).isEqualTo("buses");
        assertThat(SceneDescriber.plural("wine glass")).isEqualTo("wine glasses");
        assertThat(SceneDescriber.plural("sandwich")).isEqualTo("sandwiches");
        assertThat(SceneDescriber.plural("teddy bear")).isEqualTo("teddy bears");
        assertThat(SceneDescriber.plural("knife")).isEqualTo("knives");
        assertThat(SceneDescriber.plural("sheep")).isEqualTo("sheep");
        assertThat(SceneDescriber.phrase(new Scene.LabelCount("orange", 1, 0.9))).isEqualTo("an orange");
        assertThat(SceneDescriber.phrase(new Scene.LabelCount("bird", 14, 0.9))).isEqualTo("14 birds");
    }

    @Test
    void leavesOutOcrNoiseAndCutsLongTextAtAWord() {
        assertThat(describer.legibleText("|| ~ _=\n. , ;")).isEmpty();
        assertThat(describer.legibleText("OPEN 24 HOURS\n~|")).isEqualTo("OPEN 24 HOURS");
        assertThat(describer.legibleText("Welcome to the annual spring fair of the river valley towns"))
                .isEqualTo("Welcome to the annual spring fair of…");
        assertThat(describer.legibleText("서울 지하철 2호선")).isEqualTo("서울 지하철 2호선");
    }

    @Test
    void saysSoWhenNothingWasRecognised() {
        assertThat(describer.describe(new Scene(List.of(new Detection("dog", 0.2)), "~ |")))
                .isEqualTo("Nothing was recognised in the image: no objects and no legible text.");
        assertThat(describer.describe(new Scene(List.of(), "EXIT")))
                .isEqualTo("No objects were recognised. The image contains the text \"EXIT\".");
    }
}
