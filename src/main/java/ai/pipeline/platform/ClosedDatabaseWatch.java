package ai.pipeline.platform;

import com.zaxxer.hikari.SQLExceptionOverride;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.h2.api.ErrorCode;

/**
 * Notices, among the errors the connection pool sees, that H2 has closed the embedded database:
 * H2 does so for good when its store fails (an {@code OutOfMemoryError} or a full disk while
 * writing a commit). Every pooled connection then answers "The database has been closed" (90098)
 * yet passes the pool's validity check, and opening the database again in the same process races
 * inside H2 ({@link ClosedDatabaseRestart}). Calls {@code onClosed} once, on the thread that met the
 * error; changes nothing in what the pool evicts.
 */
final class ClosedDatabaseWatch implements SQLExceptionOverride {

    private final AtomicBoolean closed = new AtomicBoolean();
    private final Runnable onClosed;

    ClosedDatabaseWatch(Runnable onClosed) {
        this.onClosed = onClosed;
    }

    @java.lang.Override   // the interface's own Override (the pool's verdict) hides the annotation's simple name
    public Override adjudicate(SQLException e) {
        if (isDatabaseClosed(e) && closed.compareAndSet(false, true)) {
            onClosed.run();
        }
        return Override.CONTINUE_EVICT;
    }

    static boolean isDatabaseClosed(SQLException e) {
        return e.getErrorCode() == ErrorCode.DATABASE_IS_CLOSED && String.valueOf(ErrorCode.DATABASE_IS_CLOSED).equals(e.getSQLState());
    }
}
