package ai.pipeline.domains.ocr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.pipeline.shared.task.TaskFailure;
import org.junit.jupiter.api.Test;

class PageRangeTest {

    @Test
    void emptyMeansEveryPage() {
        assertThat(PageRange.of(null).select(3)).containsExactly(1, 2, 3);
        assertThat(PageRange.of(" ").select(2)).containsExactly(1, 2);
    }

    @Test
    void selectsPagesAndRangesInDocumentOrderEachOnce() {
        assertThat(PageRange.of("1-3,5").select(6)).containsExactly(1, 2, 3, 5);
        assertThat(PageRange.of("5, 2-3, 3").select(6)).containsExactly(2, 3, 5);
        assertThat(PageRange.of("4-").select(6)).containsExactly(4, 5, 6);
        assertThat(PageRange.of("2 - 2").select(2)).containsExactly(2);
    }

    @Test
    void refusesPagesTheDocumentDoesNotHave() {
        assertThatThrownBy(() -> PageRange.of("2-9").select(3))
                .isInstanceOf(TaskFailure.class).hasMessage("page 9 does not exist: the document has 3 pages");
        assertThatThrownBy(() -> PageRange.of("4-").select(3)).hasMessageContaining("page 4 does not exist");
        assertThatThrownBy(() -> PageRange.of("0").select(1))
                .hasMessage("page 0 does not exist: the document has 1 page");
    }

    @Test
    void refusesWhatIsNotARange() {
        assertThatThrownBy(() -> PageRange.of("3-1").select(5)).hasMessageContaining("a range must go upwards");
        assertThatThrownBy(() -> PageRange.of("one").select(5)).hasMessageContaining("use page numbers and ranges like 1-3,5");
        assertThatThrownBy(() -> PageRange.of("1-2-3").select(5)).isInstanceOf(TaskFailure.class);
        assertThatThrownBy(() -> PageRange.of("99999999999").select(5)).isInstanceOf(TaskFailure.class);
    }
}
