package ai.pipeline.platform;

import org.springframework.context.SmartLifecycle;

/**
 * A bean with work to do on a clean stop, in its phase, and none at the start: it is not started
 * with the context (starting a lifecycle bean at refresh starts what it depends on, and the
 * CamelContext started then would start before its routes are added). Spring stops it while
 * {@link #isRunning}; a subclass says when that begins ({@link #markRunning}).
 */
public abstract class StopOnlyLifecycle implements SmartLifecycle {

    private final int phase;
    private volatile boolean running;

    protected StopOnlyLifecycle(int phase) {
        this.phase = phase;
    }

    protected final void markRunning(boolean running) {
        this.running = running;
    }

    @Override
    public final boolean isAutoStartup() {
        return false;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public final boolean isRunning() {
        return running;
    }

    @Override
    public final int getPhase() {
        return phase;
    }
}
