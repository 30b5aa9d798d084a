package ai.pipeline.shared.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.web.method.annotation.ExceptionHandlerMethodResolver;

/**
 * The database going away mid-request (seen in DatabaseRestartIT): no connection for a transaction,
 * or a commit whose rollback failed on a connection PostgreSQL ended, is 503, not a 500.
 */
class ApiExceptionHandlerTest {

    private final ApiExceptionHandler handler = new ApiExceptionHandler();
    private final ExceptionHandlerMethodResolver resolver = new ExceptionHandlerMethodResolver(ApiExceptionHandler.class);

    @Test
    void transactionsTheDatabaseCannotServeAreUnavailable() throws Exception {
        for (Exception e : new Exception[] {
                new CannotCreateTransactionException("Could not open JDBC Connection for transaction"),
                new TransactionSystemException("JDBC rollback failed", new SQLException("This connection has been closed."))}) {
            assertThat(status(e)).as(e.toString()).isEqualTo(503);
        }
    }

    @Test
    void aBugIsStillAnInternalError() throws Exception {
        assertThat(status(new IllegalStateException("bug"))).isEqualTo(500);
    }

    private int status(Exception e) throws Exception {
        Method method = resolver.resolveMethod(e);
        assertThat(method).as("handler for %s", e).isNotNull();
        method.setAccessible(true);
        return ((ResponseEntity<?>) method.invoke(handler, e)).getStatusCode().value();
    }
}
