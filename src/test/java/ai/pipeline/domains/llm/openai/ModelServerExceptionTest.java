package ai.pipeline.domains.llm.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class ModelServerExceptionTest {

    private static final ZonedDateTime NOW = ZonedDateTime.of(2025, 3, 1, 12, 0, 0, 0, ZoneOffset.UTC);

    @Test
    void readsRetryAfterAsSecondsOrAsAnHttpDate() {
        assertThat(ModelServerException.parseRetryAfter("7", NOW)).isEqualTo(Duration.ofSeconds(7));
        assertThat(ModelServerException.parseRetryAfter(
                DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(20)), NOW)).isEqualTo(Duration.ofSeconds(20));
        assertThat(ModelServerException.parseRetryAfter("Sat, 01 Mar 2025 11:59:00 GMT", NOW)).isEqualTo(Duration.ZERO);
        assertThat(ModelServerException.parseRetryAfter("soon", NOW)).isNull();
        assertThat(ModelServerException.parseRetryAfter(null, NOW)).isNull();
    }
}
