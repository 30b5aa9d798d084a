package ai.pipeline.platform;

import javax.sql.DataSource;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.jdbc.health.DataSourceHealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code db} in actuator health: Spring Boot's check of the data source (its validation query),
 * asked in the background, in place of Spring Boot's own ({@code management.health.db.enabled: false}).
 * Starts are refused at once while it is known away ({@link #knownDown()}), rather than each waiting
 * out the pool's connection timeout.
 */
@Component("db")
public class DatabaseHealthIndicator extends AskedInBackground {

    private final DataSourceHealthIndicator check;

    DatabaseHealthIndicator(DataSource dataSource) {
        super("db", "the database");
        this.check = new DataSourceHealthIndicator(dataSource);
    }

    @Override
    public void afterPropertiesSet() {
        try {
            check.afterPropertiesSet();
        } catch (Exception e) {
            throw new IllegalStateException("cannot set up the database health check", e);
        }
        super.afterPropertiesSet();
    }

    @Override
    protected Health ask() {
        return check.health();
    }
}
