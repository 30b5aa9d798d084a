package ai.pipeline.domains.ocr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CharacterErrorRateTest {

    @Test
    void countsEditsPerExpectedCharacter() {
        assertThat(CharacterErrorRate.of("kitten", "sitting")).isCloseTo(3 / 6.0, within(1e-9));
        assertThat(CharacterErrorRate.of("abc", "abc")).isZero();
        assertThat(CharacterErrorRate.of("abcd", "")).isEqualTo(1.0);
    }

    @Test
    void ignoresLayoutWhitespaceButNotMissingSpaces() {
        assertThat(CharacterErrorRate.of("one two\nthree", "one  two\n\n three\n")).isZero();
        assertThat(CharacterErrorRate.of("one two", "onetwo")).isCloseTo(1 / 7.0, within(1e-9));
    }

    @Test
    void comparesKoreanBySyllable() {
        assertThat(CharacterErrorRate.of("안녕하세요", "안녕하세오")).isCloseTo(1 / 5.0, within(1e-9));
    }
}
