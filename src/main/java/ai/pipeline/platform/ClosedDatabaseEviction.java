package ai.pipeline.platform;

import com.zaxxer.hikari.SQLExceptionOverride;
import java.sql.SQLException;

/**
 * Tells the connection pool that a connection to an H2 database that has closed itself is dead.
 * H2 closes an embedded database after a fatal error in its store (an {@code OutOfMemoryError} while
 * writing a commit did, in the hostile-input suite); its open connections still pass the pool's
 * validity check but answer every transaction "The database has been closed" (90098), so the pool
 * would keep them, and the application would answer 503 until its restart. Evicted, they are replaced
 * by new connections, which open the database again from its files. Other errors, and every
 * PostgreSQL error, are judged as the pool judges them by default.
 * Set as {@code spring.datasource.hikari.exception-override-class-name}.
 */
public class ClosedDatabaseEviction implements SQLExceptionOverride {

    /** H2's DATABASE_IS_CLOSED. */
    private static final int H2_DATABASE_IS_CLOSED = 90098;

    @java.lang.Override   // spelt out: the interface's nested enum is also called Override
    public Override adjudicate(SQLException e) {
        return e.getErrorCode() == H2_DATABASE_IS_CLOSED ? Override.MUST_EVICT : Override.CONTINUE_EVICT;
    }
}
