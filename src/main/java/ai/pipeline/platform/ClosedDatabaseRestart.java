package ai.pipeline.platform;

import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.stereotype.Component;

/**
 * Once H2 has closed the embedded database ({@link ClosedDatabaseWatch}), this process can neither
 * read nor store anything until it starts again. Opening the database again inside the process was
 * tried: closing the dead database's connections can unregister the one just opened again, inside H2,
 * and later connections then fail "file is locked" (636c16c, reverted by 1c91397). So the process stops being
 * live and ready ({@code /livez} and {@code /readyz} answer 503: Kubernetes restarts it) and, unless
 * {@code app.database.restart-when-closed} is false, stops itself at once with exit code 75
 * (EX_TEMPFAIL), which {@code bin/run}, like a container's restart policy, answers by starting it
 * again. It then recovers as after a crash: what was committed is in the database's files, and Kafka
 * delivers again what was not. Pools of other databases are left as they are.
 */
@Component
class ClosedDatabaseRestart implements BeanPostProcessor, ApplicationContextAware {

    static final int EXIT_CODE = 75;

    private static final Logger log = LoggerFactory.getLogger(ClosedDatabaseRestart.class);

    private ConfigurableApplicationContext context;

    @Override
    public void setApplicationContext(ApplicationContext context) {
        this.context = (ConfigurableApplicationContext) context;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof HikariDataSource pool && pool.getJdbcUrl() != null && pool.getJdbcUrl().startsWith("jdbc:h2:")) {
            // on its own thread: the error can reach the pool on a thread that holds the engine's lock
            pool.setExceptionOverride(new ClosedDatabaseWatch(() -> new Thread(this::databaseClosed, "database-closed").start()));
        }
        return bean;
    }

    private void databaseClosed() {
        if (context.isClosed()) {
            return;   // stopping anyway: a connection used during the stop met the closed database
        }
        log.error("H2 has closed the database (a write to its files failed: see the errors before this one); nothing can be"
                + " read or stored until this process starts again. It is no longer live or ready.");
        AvailabilityChangeEvent.publish(context, LivenessState.BROKEN);
        AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);
        if (context.getEnvironment().getProperty("app.database.restart-when-closed", Boolean.class, true)) {
            // at once, as a crash stops it (SIGKILL is what the reliability suite stops it with): a graceful
            // stop would only fail to store its last changes and wait out Camel's 15 s for routes that cannot end
            log.error("Stopping now with exit code {}, to be started again (app.database.restart-when-closed)", EXIT_CODE);
            Runtime.getRuntime().halt(EXIT_CODE);
        }
    }
}
