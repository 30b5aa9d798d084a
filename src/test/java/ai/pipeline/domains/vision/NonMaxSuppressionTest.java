package ai.pipeline.domains.vision;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.domains.vision.ModelFamily.Candidate;
import java.util.List;
import org.junit.jupiter.api.Test;

class NonMaxSuppressionTest {

    static final int DOG = 16;
    static final int CAT = 15;

    @Test
    void theWeakerOfTwoOverlappingBoxesOfOneClassGoes() {
        Candidate strong = new Candidate(DOG, 0.9, 0, 0, 100, 100);
        Candidate weakOverlapping = new Candidate(DOG, 0.6, 10, 0, 110, 100);   // IoU 90/110 = 0.82
        Candidate weakApart = new Candidate(DOG, 0.5, 200, 200, 300, 300);

        assertThat(NonMaxSuppression.classWise(List.of(weakOverlapping, weakApart, strong), 0.45))
                .containsExactly(strong, weakApart);
    }

    @Test
    void overlappingBoxesOfDifferentClassesBothStay() {
        Candidate dog = new Candidate(DOG, 0.9, 0, 0, 100, 100);
        Candidate cat = new Candidate(CAT, 0.4, 0, 0, 100, 100);

        assertThat(NonMaxSuppression.classWise(List.of(cat, dog), 0.45)).containsExactly(dog, cat);
    }

    @Test
    void theThresholdDecidesHowMuchOverlapIsTooMuch() {
        Candidate a = new Candidate(DOG, 0.9, 0, 0, 100, 100);
        Candidate b = new Candidate(DOG, 0.8, 50, 0, 150, 100);  // IoU 50/150 = 0.33

        assertThat(NonMaxSuppression.iou(a, b)).isCloseTo(1.0 / 3, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(NonMaxSuppression.classWise(List.of(a, b), 0.45)).hasSize(2);
        assertThat(NonMaxSuppression.classWise(List.of(a, b), 0.3)).containsExactly(a);
    }
}
