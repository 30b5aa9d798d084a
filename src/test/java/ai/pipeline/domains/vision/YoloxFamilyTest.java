package ai.pipeline.domains.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.pipeline.domains.vision.ModelFamily.Candidate;
import ai.pipeline.domains.vision.ModelFamily.PreparedImage;
import ai.pipeline.domains.vision.ModelFamily.Tensor;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** YOLOX's letterbox and head decoding on hand-made inputs, checked against the numbers worked out by hand. */
class YoloxFamilyTest {

    final YoloxFamily yolox = new YoloxFamily();

    @Test
    void letterboxesAtTheTopLeftInBgrWithGreyPadding() {
        BufferedImage red = new BufferedImage(800, 400, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 400; y++) {
            for (int x = 0; x < 800; x++) {
                red.setRGB(x, y, 0xFF0000);
            }
        }

        PreparedImage prepared = yolox.prepare(red, 416, 416);

        float[] chw = prepared.input().data();
        int plane = 416 * 416;
        assertThat(prepared.input().shape()).containsExactly(1, 3, 416, 416);
        assertThat(prepared.scale()).isEqualTo(416.0 / 800);
        // image area (208 rows): blue, green, red planes in that order, 0-255
        int inside = 100 * 416 + 100;
        assertThat(new float[] {chw[inside], chw[plane + inside], chw[2 * plane + inside]}).containsExactly(0, 0, 255);
        // padding below it
        int below = 300 * 416 + 100;
        assertThat(new float[] {chw[below], chw[plane + below], chw[2 * plane + below]}).containsExactly(114, 114, 114);
    }

    @Test
    void decodesGridOffsetsAndLogSizesIntoImagePixels() {
        PreparedImage prepared = yolox.prepare(new BufferedImage(832, 832, BufferedImage.TYPE_INT_RGB), 416, 416);
        float[] out = new float[3549 * 85];
        // stride-8 cell (x 10, y 5): centre (10.5 * 8, 5.5 * 8) = (84, 44), size e^ln4 * 8 = 32
        int row = 5 * 52 + 10;
        set(out, row, 0.5f, 0.5f, (float) Math.log(4), (float) Math.log(4), 0.9f);
        out[row * 85 + 5 + 16] = 0.8f;  // dog
        out[row * 85 + 5 + 15] = 0.5f;  // cat, weaker
        // a box under the threshold: 0.9 × 0.3 = 0.27
        set(out, row + 1, 0.5f, 0.5f, 0, 0, 0.9f);
        out[(row + 1) * 85 + 5] = 0.3f;

        List<Candidate> candidates = yolox.decode(new Tensor(out, new long[] {1, 3549, 85}), prepared, 0.3);

        assertThat(candidates).hasSize(1);
        Candidate dog = candidates.get(0);
        assertThat(dog.classId()).isEqualTo(16);
        assertThat(dog.score()).isCloseTo(0.72, within(1e-6));
        // input pixels [68, 28, 100, 60] at scale 0.5
        assertThat(new double[] {dog.x1(), dog.y1(), dog.x2(), dog.y2()})
                .containsExactly(new double[] {136, 56, 200, 120}, within(1e-4));
    }

    @Test
    void refusesAnOutputOfAnotherShape() {
        PreparedImage prepared = yolox.prepare(new BufferedImage(10, 10, BufferedImage.TYPE_INT_RGB), 416, 416);
        assertThatThrownBy(() -> yolox.classCount(new long[] {1, 3549})).hasMessageContaining("[1, boxes, 5 + classes]");
        assertThatThrownBy(() -> yolox.decode(new Tensor(new float[100 * 85], new long[] {1, 100, 85}), prepared, 0.3))
                .hasMessageContaining("3549 boxes");
    }

    private static void set(float[] out, int row, float dx, float dy, float logW, float logH, float objectness) {
        int o = row * 85;
        out[o] = dx;
        out[o + 1] = dy;
        out[o + 2] = logW;
        out[o + 3] = logH;
        out[o + 4] = objectness;
    }
}
