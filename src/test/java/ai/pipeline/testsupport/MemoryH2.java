package ai.pipeline.testsupport;

import org.h2.jdbcx.JdbcDataSource;

/** An in-memory H2 database in the application's mode (PostgreSQL, lower-case names), empty, one per call. */
public final class MemoryH2 {

    private MemoryH2() {
    }

    /** A fresh database named after {@code purpose}; it lives until the JVM ends. */
    public static JdbcDataSource create(String purpose) {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + purpose + "-" + System.nanoTime()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
        return h2;
    }
}
