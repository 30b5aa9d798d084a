package ai.pipeline.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.SQLExceptionOverride;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.message.DbException;
import org.junit.jupiter.api.Test;

class ClosedDatabaseWatchTest {

    private final AtomicInteger calls = new AtomicInteger();
    private final ClosedDatabaseWatch watch = new ClosedDatabaseWatch(calls::incrementAndGet);

    @Test
    void h2sDatabaseClosedErrorIsReportedOnceAndEvictsAsBefore() {
        SQLException closed = DbException.toSQLException(DbException.get(org.h2.api.ErrorCode.DATABASE_IS_CLOSED));

        assertThat(watch.adjudicate(closed)).isEqualTo(SQLExceptionOverride.Override.CONTINUE_EVICT);
        assertThat(watch.adjudicate(closed)).isEqualTo(SQLExceptionOverride.Override.CONTINUE_EVICT);

        assertThat(calls).hasValue(1);
    }

    @Test
    void otherErrorsAreNotReported() {
        watch.adjudicate(DbException.toSQLException(DbException.get(org.h2.api.ErrorCode.DUPLICATE_KEY_1, "x")));
        watch.adjudicate(new SQLException("connection refused", "08001"));
        watch.adjudicate(new SQLException("closed, PostgreSQL's way", "57P01", 90098));

        assertThat(calls).hasValue(0);
    }
}
