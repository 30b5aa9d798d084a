package ai.pipeline.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.pipeline.testsupport.AppProcess;
import ai.pipeline.testsupport.Pipelines;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The course of an outage test, the same for the broker and the database: pipelines of every shape
 * complete first; then load starts, and once it has had some pipelines accepted the dependency is
 * taken away for the outage's length and brought back; load goes on until it has had pipelines
 * accepted again, then stops. Every answer must be 202 or 503, every accepted pipeline must end in
 * SUCCESS (each task's success recorded once), and readiness must have gone down and come back.
 */
final class OutageDrill {

    /** What happened, in milliseconds after the drill's start. */
    record Result(long down, long downDone, long upStart, long up, long notReadyAt, long readyAgainAt, long allEndedAt, long accepted, long refused,
                  long acceptedDuringOutage, long refusedDuringOutage, String statuses, String readiness) {

        String report(String name) {
            return String.format("""
                    %s: dependency going down at %d ms (gone at %d ms), coming back at %d ms, back at %d ms (outage %d ms)
                      answers: %s
                      accepted %d (during the outage %d), refused with 503 %d (during the outage %d)
                      readiness: not ready %d ms after it went down, ready again %d ms after it came back; %s
                      every accepted pipeline ended in SUCCESS %d ms after the dependency came back""",
                    name, down, downDone, upStart, up, up - down, statuses, accepted, acceptedDuringOutage, refused, refusedDuringOutage,
                    notReadyAt - down, readyAgainAt - up, readiness, allEndedAt - up);
        }
    }

    private static final int CLIENTS = 3;
    private static final Duration PACING = Duration.ofMillis(60);
    private static final int ACCEPTED_BEFORE_AND_AFTER = 40;

    private OutageDrill() {
    }

    static Result run(String name, AppProcess app, Runnable takeDown, Duration outage, Runnable bringBack, Duration recoveryBound) {
        Pipelines pipelines = new Pipelines(app.api());
        for (String canvas : OutageLoad.CANVASES) {
            assertThat(pipelines.awaitEnd(pipelines.run(canvas, "{}"), Duration.ofSeconds(60)).path("status").asString())
                    .isEqualTo("SUCCESS");
        }
        long origin = System.nanoTime();
        long down;
        long downDone;
        long upStart;
        long up;
        try (ReadinessWatch readiness = new ReadinessWatch(app.api(), origin);
             OutageLoad load = new OutageLoad(app.api(), CLIENTS, PACING, origin)) {
            load.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> load.acceptedCount() >= ACCEPTED_BEFORE_AND_AFTER);

            down = since(origin);
            takeDown.run();
            downDone = since(origin);
            last(outage);
            upStart = since(origin);
            bringBack.run();
            up = since(origin);

            await().atMost(recoveryBound).until(() -> readiness.firstReadyAfter(up).isPresent()
                    && load.accepted().stream().filter(o -> o.atMillis() >= up).count() >= ACCEPTED_BEFORE_AND_AFTER);
            load.stop();
            readiness.close();

            List<OutageLoad.Outcome> unexpected = load.unexpected();
            unexpected.forEach(o -> System.out.printf("unexpected answer at %d ms after %d ms: %d %s%n",
                    o.atMillis(), o.tookMillis(), o.status(), o.body()));
            System.out.printf("%s: %s; readiness %s%n", name, load.summary(), readiness.transitions());
            long allEnded = load.awaitAccepted(pipelines, recoveryBound);
            Result result = new Result(down, downDone, upStart, up,
                    readiness.firstNotReadyAfter(down).orElse(-1), readiness.firstReadyAfter(up).orElse(-1), allEnded,
                    load.acceptedCount(), load.refused().size(),
                    load.accepted().stream().filter(o -> o.atMillis() >= down && o.atMillis() < up).count(),
                    load.refused().stream().filter(o -> o.atMillis() >= down && o.atMillis() < up).count(),
                    load.summary(), readiness.transitions());
            System.out.println(result.report(name));
            assertThat(unexpected).as("answers other than 202 and 503").isEmpty();
            assertThat(result.notReadyAt()).as("readiness went down during the outage").isBetween(down, up);
            assertThat(result.readyAgainAt()).as("readiness came back").isGreaterThanOrEqualTo(up);
            return result;
        }
    }

    /** The outage itself: its length is what the test is about, so this waits for time, not for a condition. */
    private static void last(Duration outage) {
        try {
            Thread.sleep(outage.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long since(long origin) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - origin);
    }
}
