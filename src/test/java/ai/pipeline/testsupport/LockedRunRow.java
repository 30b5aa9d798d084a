package ai.pipeline.testsupport;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * A run's {@code pipeline_execution} row locked by a transaction of the test's own ({@code SELECT … FOR
 * UPDATE}): the engine's commits that change the row wait for it (with H2, until its 2 s lock timeout,
 * a failure the engine retries). Closing rolls the transaction back, and the row is free again.
 */
public final class LockedRunRow implements AutoCloseable {

    private final Connection holder;

    private LockedRunRow(Connection holder) {
        this.holder = holder;
    }

    /** Locks the run's stored row; fails if the run has none yet. */
    public static LockedRunRow lock(DataSource dataSource, String chainId) throws SQLException {
        Connection holder = dataSource.getConnection();
        try {
            holder.setAutoCommit(false);
            try (PreparedStatement select = holder.prepareStatement("SELECT chain_id FROM pipeline_execution WHERE chain_id = ? FOR UPDATE")) {
                select.setString(1, chainId);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        throw new IllegalStateException("run " + chainId + " has no stored row to lock");
                    }
                }
            }
            return new LockedRunRow(holder);
        } catch (SQLException | RuntimeException e) {
            holder.close();
            throw e;
        }
    }

    @Override
    public void close() throws SQLException {
        try {
            holder.rollback();
        } finally {
            holder.close();
        }
    }
}
