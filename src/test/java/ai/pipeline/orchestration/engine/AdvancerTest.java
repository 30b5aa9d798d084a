package ai.pipeline.orchestration.engine;

import static ai.pipeline.orchestration.canvas.WorkflowBuilder.chain;
import static ai.pipeline.orchestration.canvas.WorkflowBuilder.chord;
import static ai.pipeline.orchestration.canvas.WorkflowBuilder.forEach;
import static ai.pipeline.orchestration.canvas.WorkflowBuilder.group;
import static ai.pipeline.orchestration.canvas.WorkflowBuilder.onFailure;
import static ai.pipeline.orchestration.canvas.WorkflowBuilder.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.pipeline.orchestration.canvas.Canvas;
import ai.pipeline.orchestration.canvas.ChordPolicy;
import ai.pipeline.orchestration.engine.Messages.TaskEvent;
import ai.pipeline.orchestration.store.ChainRecords;
import ai.pipeline.orchestration.store.JoinRow;
import ai.pipeline.orchestration.store.OutboxMessage;
import ai.pipeline.orchestration.store.PipelineRow;
import ai.pipeline.orchestration.store.PipelineStatus;
import ai.pipeline.orchestration.store.TaskRow;
import ai.pipeline.orchestration.store.TaskState;
import ai.pipeline.shared.task.TaskArguments;
import ai.pipeline.shared.task.TaskDefinition;
import ai.pipeline.shared.task.TaskFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The canvas semantics as pure decisions over records: no Kafka, no database. */
class AdvancerTest {

    private final JsonMapper json = JsonMapper.builder().build();
    private final TaskRegistry registry = new TaskRegistry(List.of(
            TaskDefinition.of("core.echo", "", TaskArguments.none(), (c, a) -> null),
            TaskDefinition.of("core.fail", "", TaskArguments.none(), (c, a) -> null),
            TaskDefinition.of("ocr.read", "", TaskArguments.none(), (c, a) -> null)));
    private Advancer advancer = new Advancer(registry, Duration.ofMinutes(5), 10_000, (chainId, value) -> value, true);

    @Test
    void aChainDispatchesOneStepAtATimePassingEachResultOn() {
        Run run = start(chain(task("core.echo").arg("k", 1), task("core.echo")), "{\"x\": 1}");
        assertThat(dispatchedNodes(lastOut)).containsExactly("0");
        assertThat(dispatch(lastOut, "0").path("input").path("x").asInt()).isEqualTo(1);

        Outbound out = finish(run, "0", "{\"r\": 7}");
        assertThat(dispatchedNodes(out)).containsExactly("1");
        assertThat(dispatch(out, "1").path("input").path("r").asInt()).isEqualTo(7);

        finish(run, "1", "{\"done\": true}");
        assertThat(run.pipeline().status).isEqualTo(PipelineStatus.SUCCESS);
        assertThat(run.pipeline().result).isEqualTo("{\"done\":true}");
    }

    @Test
    void aChainStepsMessageCarriesTheTaskStepsAfterItForItsWorkerToSendOn() {
        start(chain(task("core.echo"), task("core.echo").arg("k", 2), task("core.echo").asImmutable(),
                group(task("core.echo"), task("core.echo"))), "{}");
        JsonNode then = dispatch(lastOut, "0").path("then");
        assertThat(then.path("message").path("node").asString()).isEqualTo("1");
        assertThat(then.path("message").path("attempt").asInt()).isEqualTo(1);
        assertThat(then.path("message").path("args").path("k").asInt()).isEqualTo(2);
        assertThat(then.path("takesResult").asBoolean()).isTrue();
        JsonNode thenThen = then.path("message").path("then");
        assertThat(thenThen.path("message").path("node").asString()).isEqualTo("2");
        assertThat(thenThen.path("takesResult").asBoolean()).as("an immutable step").isFalse();
        assertThat(thenThen.path("message").has("then")).as("a group waits for the orchestrator").isFalse();

        advancer = new Advancer(registry, Duration.ofMinutes(5), 10_000, (chainId, value) -> value, false);
        start(chain(task("core.echo"), task("core.echo")), "{}");
        assertThat(dispatch(lastOut, "0").has("then")).as("app.engine.workers-continue-chains=false").isFalse();
    }

    @Test
    void aStepItsWorkerSentOnIsDispatchedWithoutAMessageOfTheEngines() {
        Run run = start(chain(task("core.echo"), task("core.echo")), "{}");
        Outbound out = new Outbound(json);
        assertThat(advancer.apply(run, event(run, "0", TaskEvent.Outcome.SUCCESS, "1", null).withSentNext(1), out)).isTrue();
        advancer.reconcile(run, out);
        assertThat(dispatchedNodes(out)).isEmpty();
        assertThat(run.task("1").attempt).isEqualTo(1);
        assertThat(run.task("1").dispatched()).isTrue();

        finish(run, "1", "2");
        assertThat(run.pipeline().status).isEqualTo(PipelineStatus.SUCCESS);
    }

    @Test
    void aReportThatOvertookTheReportOfTheStepBeforeIsAppliedAndTheRunGoesOnOnceThatOneComes() {
        Run run = start(chain(task("core.echo"), task("core.echo"), task("core.echo")), "{}");
        Outbound early = new Outbound(json);
        assertThat(advancer.apply(run, overtaking(run, "1", "2").withSentNext(1), early)).isTrue();
        advancer.reconcile(run, early);
        assertThat(run.task("1").state).isEqualTo(TaskState.SUCCESS);
        assertThat(run.task("2").dispatched()).as("sent on by the worker of 1").isTrue();
        assertThat(dispatchedNodes(early)).isEmpty();

        Outbound late = new Outbound(json);
        assertThat(advancer.apply(run, event(run, "0", TaskEvent.Outcome.SUCCESS, "1", null).withSentNext(1), late)).isTrue();
        advancer.reconcile(run, late);
        assertThat(dispatchedNodes(late)).isEmpty();
        assertThat(run.pipeline().status).isEqualTo(PipelineStatus.RUNNING);
        finish(run, "2", "3");
        assertThat(run.pipeline().result).isEqualTo("3");
    }

    @Test
    void aGroupMembersChainWhoseLastReportOvertookTheOneBeforeSettlesWhenThatOneComes() {
        Run run = start(group(chain(task("core.echo"), task("core.echo")), task("core.echo")), "{}");
        Outbound early = new Outbound(json);
        advancer.apply(run, overtaking(run, "0.0.1", "\"b\""), early);
        assertThat(early.joinFeeds()).as("the member chain has not finished by the records").isEmpty();

        Outbound late = new Outbound(json);
        advancer.apply(run, event(run, "0.0.0", TaskEvent.Outcome.SUCCESS, "\"a\"", null).withSentNext(1), late);
        assertThat(late.joinFeeds()).singleElement().satisfies(feed -> assertThat(feed.member()).isEqualTo(0));
    }

    @Test
    void aRetryOfAStepWhoseReportOvertookTheOneBeforeWaitsForItsInput() {
        Run run = start(chain(task("core.echo"), task("core.fail").retry(3, Duration.ZERO)), "{}");
        advancer.apply(run, new TaskEvent(TaskEvent.Type.FINISHED, run.chainId(), run.task("1").taskId, "1", 1,
                TaskEvent.Outcome.FAILURE, null, new Messages.ErrorInfo("error", "flaky", true), Instant.now(), Instant.now(), "test"),
                new Outbound(json));
        assertThat(run.task("1").state).isEqualTo(TaskState.RETRY);
        assertThat(advancer.retryNow(run, "1", new Outbound(json))).as("no input yet").isFalse();

        finish(run, "0", "{\"r\": 5}");
        Outbound retried = new Outbound(json);
        assertThat(advancer.retryNow(run, "1", retried)).isTrue();
        assertThat(dispatch(retried, "1").path("input").path("r").asInt()).isEqualTo(5);
    }

    @Test
    void aSucceededStepReadAgainThatDidNotSendOnMakesTheEngineSendTheNextStep() {
        // its worker reported and died before sending the next step; the step ran again elsewhere and failed
        Run run = start(chain(task("core.echo"), task("core.echo"), task("core.echo")), "{}");
        advancer.apply(run, event(run, "0", TaskEvent.Outcome.SUCCESS, "{\"r\": 1}", null).withSentNext(1), new Outbound(json));
        Outbound again = new Outbound(json);
        assertThat(advancer.apply(run, event(run, "0", TaskEvent.Outcome.FAILURE, null,
                new Messages.ErrorInfo("error", "flaky", true)), again)).isFalse();
        assertThat(dispatchedNodes(again)).containsExactly("1");
        assertThat(dispatch(again, "1").path("attempt").asInt()).as("the same attempt").isEqualTo(1);
        assertThat(dispatch(again, "1").path("input").path("r").asInt()).isEqualTo(1);
        assertThat(dispatch(again, "1").path("then").path("message").path("node").asString()).isEqualTo("2");
        assertThat(run.task("0").state).isEqualTo(TaskState.SUCCESS);

        Outbound third = new Outbound(json);
        advancer.apply(run, event(run, "0", TaskEvent.Outcome.SUCCESS, "{\"r\": 1}", null).withSentNext(1), third);
        assertThat(third.messages()).as("a run of it that sent on").isEmpty();
    }

    @Test
    void revokingAStepAWorkerMaySendOnRevokesThatAttemptAndAResumeRunsALaterOne() {
        Run run = start(chain(task("core.echo"), task("core.echo"), task("core.echo")), "{}");
        Outbound revoked = new Outbound(json);
        assertThat(advancer.revokeTask(run, "1", revoked)).isTrue();
        assertThat(controlled(revoked)).as("the attempt the worker of 0 would send").contains("{\"node\":\"1\",\"attempt\":1}");

        // the worker of 0 had not heard of it yet and sent 1 on: the run stops at 1 all the same
        Outbound out = new Outbound(json);
        advancer.apply(run, event(run, "0", TaskEvent.Outcome.SUCCESS, "1", null).withSentNext(1), out);
        advancer.reconcile(run, out);
        assertThat(run.task("1").state).isEqualTo(TaskState.REVOKED);
        assertThat(run.pipeline().status).isEqualTo(PipelineStatus.FAILURE);
        assertThat(controlled(out)).contains("{\"node\":\"2\",\"attempt\":1}");

        Outbound resumed = new Outbound(json);
        advancer.resume(run, resumed);
        assertThat(dispatch(resumed, "1").path("attempt").asInt()).as("past the revoked attempt").isEqualTo(2);
        assertThat(dispatch(resumed, "1").path("then").path("message").path("attempt").asInt()).isEqualTo(2);
    }

    private String controlled(Outbound out) {
        return out.messages().stream().filter(m -> m.topic().equals(Topics.CONTROL))
                .map(m -> json.readTree(m.payload()).path("tasks").toString()).toList().toString();
    }

    @Test
    void aGroupFansOutAsOneMessageAndOpensItsJoinWithTheMemberCount() {
        start(group(task("core.echo"), task("core.echo"), task("core.echo")), "{}");
        assertThat(lastOut.messages()).filteredOn(m -> m.topic().equals(Outbound.FAN_OUT)).hasSize(1);
        JsonNode fanOut = json.readTree(lastOut.messages().stream().filter(m -> m.topic().equals(Outbound.FAN_OUT))
                .findFirst().orElseThrow().payload());
        assertThat(fanOut.path("dispatches").size()).isEqualTo(3);
        assertThat(lastOut.joinFeeds()).singleElement().satisfies(feed -> {
            assertThat(feed.opening()).isTrue();
            assertThat(feed.expected()).isEqualTo(3);
            assertThat(feed.node()).isEqualTo("0");
        });
    }

    @Test
    void eachMessageOfAFanOutSaysItsPlaceAmongThoseToItsDomain() {
        start(group(task("core.echo"), task("ocr.read"), task("core.echo"), task("ocr.read")), "{}");
        JsonNode fanOut = json.readTree(lastOut.messages().stream().filter(m -> m.topic().equals(Outbound.FAN_OUT))
                .findFirst().orElseThrow().payload());
        List<String> places = new ArrayList<>();
        fanOut.path("dispatches").forEach(d -> places.add(d.path("message").path("node").asString() + " "
                + d.path("message").path("fanOut").path("node").asString() + " "
                + d.path("message").path("fanOut").path("ahead").asInt() + "/" + d.path("message").path("fanOut").path("of").asInt()));
        // workers start a fan-out's tasks of one domain in this order (TaskSlots)
        assertThat(places).containsExactly("0.0 0 0/2", "0.1 0 0/2", "0.2 0 1/2", "0.3 0 1/2");
    }

    @Test
    void aChordBodyStartsOnlyWhenTheJoinCompletesAndGetsResultsInMemberOrder() {
        Run run = start(chord(task("core.echo"), task("core.echo")).then(task("core.echo")), "{}");
        Outbound second = finish(run, "0.h1", "\"second\"");
        assertThat(second.joinFeeds()).singleElement().satisfies(f -> assertThat(f.member()).isEqualTo(1));
        Outbound first = finish(run, "0.h0", "\"first\"");
        assertThat(dispatchedNodes(first)).isEmpty();

        Outbound completed = new Outbound(json);
        assertThat(advancer.completeJoin(run, "0", false, completed)).isTrue();
        assertThat(dispatch(completed, "0.body").path("input").toString()).isEqualTo("[\"first\",\"second\"]");
        assertThat(advancer.completeJoin(run, "0", false, new Outbound(json))).as("a join completes once").isFalse();
    }

    @Test
    void failFastRevokesTheSiblingsAndFailsThePipelineNamingTheTask() {
        Run run = start(chord(task("core.echo"), task("core.fail")).policy(ChordPolicy.FAIL_FAST).then(task("core.echo")), "{}");
        failForGood(run, "0.h1", "invalid_input", "bad page");
        Outbound out = new Outbound(json);
        advancer.completeJoin(run, "0", false, out);

        assertThat(run.task("0.h0").state).isEqualTo(TaskState.REVOKED);
        assertThat(run.task("0.body").state).isEqualTo(TaskState.REVOKED);
        assertThat(run.pipeline().status).isEqualTo(PipelineStatus.FAILURE);
        assertThat(run.pipeline().error).contains("task core.fail (0.h1) failed: invalid_input: bad page");
        assertThat(out.messages()).anyMatch(m -> m.topic().equals(Topics.CONTROL) && m.payload().contains("0.h0"));
    }

    @Test
    void aResultForAnotherAttemptOrDeliveredTwiceChangesNothing() {
        Run run = start(chain(task("core.echo"), task("core.echo")), "{}");
        finish(run, "0", "1");
        Outbound again = new Outbound(json);
        assertThat(advancer.apply(run, event(run, "0", TaskEvent.Outcome.SUCCESS, "1", null), again)).isFalse();
        assertThat(again.messages()).isEmpty();
        assertThat(run.task("1").attempt).isEqualTo(1);
    }

    @Test
    void aRetryableFailureWaitsForItsBackoffAndTheNextAttemptGetsTheSameInput() {
        Run run = start(chain(task("core.echo"), task("core.fail").retry(3, Duration.ofSeconds(2))), "{}");
        finish(run, "0", "{\"page\": 1}");
        Outbound failed = new Outbound(json);
        advancer.apply(run, event(run, "1", TaskEvent.Outcome.FAILURE, null,
                new Messages.ErrorInfo("error", "flaky", true)), failed);
        TaskRow task = run.task("1");
        assertThat(task.state).isEqualTo(TaskState.RETRY);
        assertThat(task.nextAttemptAt).isEqualTo(run.now().plusSeconds(2));

        Outbound retried = new Outbound(json);
        assertThat(advancer.retryNow(run, "1", retried)).isTrue();
        assertThat(dispatch(retried, "1").path("attempt").asInt()).isEqualTo(2);
        assertThat(dispatch(retried, "1").path("input").path("page").asInt()).isEqualTo(1);
    }

    @Test
    void aStartedReportArrivingAfterItsAttemptFailedDoesNotHideTheRetry() {
        // the worker's STARTED report is sent from a timer thread; under load it can land after the failure
        Run run = start(task("core.fail").retry(3, Duration.ofSeconds(1)), "{}");
        TaskRow task = run.task("0");
        advancer.apply(run, event(run, "0", TaskEvent.Outcome.FAILURE, null, new Messages.ErrorInfo("error", "flaky", true)),
                new Outbound(json));
        TaskEvent lateStart = new TaskEvent(TaskEvent.Type.STARTED, run.chainId(), task.taskId, "0", 1, null, null, null,
                Instant.now(), null, "test");
        Outbound late = new Outbound(json);

        assertThat(advancer.apply(run, lateStart, late)).isFalse();
        assertThat(late.messages()).isEmpty();
        assertThat(task.state).isEqualTo(TaskState.RETRY);
        assertThat(advancer.apply(run, event(run, "0", TaskEvent.Outcome.FAILURE, null,
                new Messages.ErrorInfo("error", "flaky", true)), new Outbound(json))).as("the failure delivered twice").isFalse();

        // the retry goes out, and its reports count again
        assertThat(advancer.retryNow(run, "0", new Outbound(json))).isTrue();
        Outbound second = new Outbound(json);
        assertThat(advancer.apply(run, event(run, "0", TaskEvent.Outcome.SUCCESS, "{\"ok\": true}", null), second)).isTrue();
        assertThat(task.state).isEqualTo(TaskState.SUCCESS);
        assertThat(task.attempt).isEqualTo(2);
    }

    @Test
    void aStartedTaskNamesTheWorkerRunningItAndTheWorkerThatTookItsMessageAgain() {
        // GET /api/v1/workers reads who runs what now from task_execution.worker
        Run run = start(task("core.fail").retry(3, Duration.ofSeconds(1)), "{}");
        TaskRow task = run.task("0");
        assertThat(advancer.apply(run, started(run, task, "host/1"), new Outbound(json))).isTrue();
        assertThat(task.state).isEqualTo(TaskState.STARTED);
        assertThat(task.worker).isEqualTo("host/1");
        Outbound again = new Outbound(json);
        assertThat(advancer.apply(run, started(run, task, "host/1"), again)).as("the same report twice").isFalse();

        // host/1 died: its poll's message is taken again by host/2, which reports the same attempt STARTED
        Outbound moved = new Outbound(json);
        assertThat(advancer.apply(run, started(run, task, "host/2"), moved)).isTrue();
        assertThat(task.worker).isEqualTo("host/2");
        assertThat(moved.messages()).as("no second task event for the same start").isEmpty();

        // the next attempt has no worker until one reports it started
        advancer.apply(run, event(run, "0", TaskEvent.Outcome.FAILURE, null, new Messages.ErrorInfo("error", "flaky", true)),
                new Outbound(json));
        assertThat(advancer.retryNow(run, "0", new Outbound(json))).isTrue();
        assertThat(task.worker).isNull();
    }

    private static TaskEvent started(Run run, TaskRow task, String worker) {
        return new TaskEvent(TaskEvent.Type.STARTED, run.chainId(), task.taskId, task.node, task.attempt, null, null, null,
                Instant.now(), null, worker);
    }

    @Test
    void aMapRunsOneTaskPerItemAndHandsOnTheResultsInItemOrder() {
        Run run = start(chain(forEach("pages", task("core.echo")), task("core.echo")), "{\"pages\": [\"a\", \"b\"]}");
        assertThat(run.records().tasks()).extracting(t -> t.node).contains("0.0", "0.1");
        assertThat(run.records().join("0").expected).isEqualTo(2);
        finish(run, "0.1", "\"B\"");
        finish(run, "0.0", "\"A\"");
        Outbound out = new Outbound(json);
        advancer.completeJoin(run, "0", false, out);
        assertThat(dispatch(out, "1").path("input").toString()).isEqualTo("[\"A\",\"B\"]");
    }

    @Test
    void aMapOverMoreItemsThanTheTaskLimitFailsAtOnceInsteadOfRecordingThemAll() {
        String items = "[" + "1,".repeat(10_000) + "1]";
        Run run = start(chain(forEach("xs", task("core.echo")), task("core.echo")), "{\"xs\": " + items + "}");
        assertThat(run.pipeline().status).isEqualTo(PipelineStatus.FAILURE);
        assertThat(run.pipeline().error).contains("10001 items", "app.engine.max-tasks");
        assertThat(run.records().tasks()).noneMatch(t -> t.node.startsWith("0."));
        assertThat(dispatchedNodes(lastOut)).isEmpty();
    }

    @Test
    void aMapOverAnEmptyListInAGroupTellsTheGroupItIsDone() {
        start(group(forEach("xs", task("core.echo")), task("core.echo")), "{\"xs\": []}");
        assertThat(lastOut.joinFeeds()).filteredOn(feed -> feed.node().equals("0") && !feed.opening())
                .singleElement().satisfies(feed -> {
                    assertThat(feed.member()).isZero();
                    assertThat(feed.succeeded()).isTrue();
                });
    }

    @Test
    void aMapWithoutAListInAGroupFailsTheGroupInsteadOfLeavingItWaiting() {
        Run run = start(group(forEach("missing", task("core.echo")), task("core.echo")), "{}");
        assertThat(lastOut.joinFeeds()).filteredOn(feed -> feed.node().equals("0") && !feed.opening())
                .singleElement().satisfies(feed -> assertThat(feed.succeeded()).isFalse());
        advancer.completeJoin(run, "0", false, new Outbound(json));  // what the aggregator does on a fail-fast member
        assertThat(run.pipeline().status).isEqualTo(PipelineStatus.FAILURE);
        assertThat(run.pipeline().error).contains("no list at 'missing'");

        // resumed with the same input, the map is refused again (not an empty success): the aggregator hears so
        Outbound resumed = new Outbound(json);
        advancer.resume(run, resumed);
        assertThat(resumed.joinFeeds()).filteredOn(feed -> feed.node().equals("0") && !feed.opening())
                .singleElement().satisfies(feed -> assertThat(feed.succeeded()).isFalse());
        advancer.completeJoin(run, "0", false, new Outbound(json));
        assertThat(run.pipeline().status).isEqualTo(PipelineStatus.FAILURE);
    }

    @Test
    void resumingAFailedRunRerunsOnlyWhatFailed() {
        Run run = start(chain(task("core.echo"), task("core.fail"), task("core.echo")), "{}");
        finish(run, "0", "\"kept\"");
        failForGood(run, "1", "invalid_input", "no");
        assertThat(run.pipeline().status).isEqualTo(PipelineStatus.FAILURE);

        Outbound resumed = new Outbound(json);
        advancer.resume(run, resumed);
        assertThat(run.pipeline().status).isEqualTo(PipelineStatus.RUNNING);
        assertThat(dispatchedNodes(resumed)).containsExactly("1");
        assertThat(dispatch(resumed, "1").path("attempt").asInt()).isEqualTo(2);
        assertThat(dispatch(resumed, "1").path("input").asString()).isEqualTo("kept");
        assertThat(run.task("0").attempt).isEqualTo(1);
    }

    // ---- retry from a chosen task -----------------------------------------------------------

    @Test
    void retryingFromATaskRunsItAndTheStepsAfterItAgainAndReusesTheOnesBefore() {
        Run run = start(chain(task("core.echo"), task("core.echo"), chord(task("core.echo"), task("core.echo")).then(task("core.echo")),
                task("core.fail")), "\"in\"");
        finish(run, "0", "\"a\"");
        finish(run, "1", "\"b\"");
        finish(run, "2.h0", "\"h0\"");
        finish(run, "2.h1", "\"h1\"");
        Outbound joined = new Outbound(json);
        advancer.completeJoin(run, "2", false, joined);
        finish(run, "2.body", "\"body\"");
        failForGood(run, "3", "invalid_input", "no");
        assertThat(run.pipeline().status).isEqualTo(PipelineStatus.FAILURE);

        Outbound resumed = new Outbound(json);
        advancer.resumeFrom(run, "1", resumed);

        assertThat(run.pipeline().status).isEqualTo(PipelineStatus.RUNNING);
        assertThat(dispatchedNodes(resumed)).containsExactly("1");
        assertThat(dispatch(resumed, "1").path("input").asString()).as("step 0's result, reused").isEqualTo("a");
        assertThat(dispatch(resumed, "1").path("attempt").asInt()).isEqualTo(2);
        assertThat(run.task("0").state).isEqualTo(TaskState.SUCCESS);
        for (String again : List.of("2.h0", "2.h1", "2.body", "3")) {
            assertThat(run.task(again).state).as(again).isEqualTo(TaskState.PENDING);
            assertThat(run.task(again).result).isNull();
        }
        assertThat(run.records().join("2").status).as("the chord after it joins again").isEqualTo(JoinRow.Status.OPEN);
    }

    @Test
    void retryingFromATaskTheRunDoesNotHaveOrBeforeAMapThatRanIsRefusedBeforeAnythingChanges() {
        Run run = start(chain(task("core.echo"), forEach("items", task("core.echo")), task("core.fail")), "{}");
        finish(run, "0", "{\"items\": [1, 2]}");
        finish(run, "1.0", "1");
        finish(run, "1.1", "2");
        Outbound joined = new Outbound(json);
        advancer.completeJoin(run, "1", false, joined);
        failForGood(run, "2", "invalid_input", "no");

        assertThatThrownBy(() -> advancer.resumeFrom(run, "7", new Outbound(json)))
                .isInstanceOf(TaskFailure.class).hasMessageContaining("has no task at node '7'; its tasks are at [0, 2, 1.0, 1.1]");
        assertThatThrownBy(() -> advancer.resumeFrom(run, "0", new Outbound(json)))
                .isInstanceOfSatisfying(TaskFailure.class, e -> assertThat(e.reason()).isEqualTo(TaskFailure.Reason.CONFLICT))
                .hasMessageContaining("would run the map at 1 again");
        assertThat(run.pipeline().status).isEqualTo(PipelineStatus.FAILURE);
        assertThat(run.task("0").state).isEqualTo(TaskState.SUCCESS);

        advancer.resumeFrom(run, "1.1", new Outbound(json));   // a map item: only it and what follows the map
        assertThat(run.task("1.0").state).isEqualTo(TaskState.SUCCESS);
        assertThat(run.task("1.1").state).isEqualTo(TaskState.PENDING);
        assertThat(run.task("2").state).isEqualTo(TaskState.PENDING);
    }

    // ---- on failure ---------------------------------------------------------------------------

    @Test
    void anOnFailureCanvasRunsOnceWithTheFailureAndTheRunEndsFailureWhenItHasFinished() {
        Run run = start(onFailure(chain(task("core.echo"), task("core.fail")), task("core.echo")),
                "{\"image_path\": \"uploads/a.png\"}");
        assertThat(run.records().tasks()).extracting(t -> t.node).containsExactly("0", "1");
        finish(run, "0", "{\"image_path\": \"normalized/d/a.png\", \"source\": \"uploads/a.png\"}");
        Outbound failed = failForGood(run, "1", "invalid_input", "bad page");

        assertThat(run.pipeline().status).as("not ended while its on-failure canvas runs").isEqualTo(PipelineStatus.RUNNING);
        assertThat(run.pipeline().failedNode).isEqualTo("1");
        assertThat(run.pipeline().error).isEqualTo("task core.fail (1) failed: invalid_input: bad page");
        assertThat(dispatchedNodes(failed)).containsExactly("on_failure.0");
        assertThat(dispatch(failed, "on_failure.0").path("input")).isEqualTo(json.readTree("""
                {"chain_id": "chain-1", "pipeline": "test", "failed_task": "core.fail", "node": "1",
                 "error": {"reason": "invalid_input", "message": "bad page"},
                 "input": {"image_path": "uploads/a.png"}, "files": ["normalized/d/a.png"]}"""));

        Outbound again = new Outbound(json);
        advancer.reconcile(run, again);
        assertThat(dispatchedNodes(again)).as("dispatched once").isEmpty();

        finish(run, "on_failure.0", "{\"removed\": 1}");
        assertThat(run.pipeline().status).isEqualTo(PipelineStatus.FAILURE);
        assertThat(run.pipeline().error).isEqualTo("task core.fail (1) failed: invalid_input: bad page");
        assertThat(run.task("on_failure.0").state).isEqualTo(TaskState.SUCCESS);
        assertThatThrownBy(() -> advancer.resume(run, new Outbound(json)))
                .isInstanceOfSatisfying(TaskFailure.class, e -> assertThat(e.reason()).isEqualTo(TaskFailure.Reason.CONFLICT))
                .hasMessageContaining("ran its on-failure canvas").hasMessageContaining("/rerun");
    }

    @Test
    void aFailingOnFailureCanvasEndsTheRunWithoutRunningItAgainAndARetriedStepGetsTheSameInput() {
        Run run = start(onFailure(task("core.fail"),
                chain(task("core.fail").retry(2, Duration.ZERO), task("core.echo"))), "{}");
        Outbound failed = failForGood(run, "0", "error", "boom");
        JsonNode input = dispatch(failed, "on_failure.0").path("input");

        advancer.apply(run, event(run, "on_failure.0", TaskEvent.Outcome.FAILURE, null,
                new Messages.ErrorInfo("error", "flaky", true)), new Outbound(json));
        Outbound retried = new Outbound(json);
        assertThat(advancer.retryNow(run, "on_failure.0", retried)).isTrue();
        assertThat(dispatch(retried, "on_failure.0").path("input")).isEqualTo(input);

        Outbound out = failForGood(run, "on_failure.0", "error", "compensation broke");
        assertThat(dispatchedNodes(out)).isEmpty();
        assertThat(run.pipeline().status).isEqualTo(PipelineStatus.FAILURE);
        assertThat(run.pipeline().error).isEqualTo("task core.fail (0) failed: error: boom");
        assertThat(run.task("on_failure.0").state).isEqualTo(TaskState.FAILURE);
        assertThat(run.task("on_failure.1").state).isEqualTo(TaskState.REVOKED);
    }

    @Test
    void aCancelNeverRunsTheOnFailureCanvasAndACancelDuringItStopsItLeavingTheRunFailed() {
        Run cancelled = start(onFailure(task("core.echo"), task("core.echo")), "{}");
        advancer.cancel(cancelled, new Outbound(json));
        assertThat(cancelled.pipeline().status).isEqualTo(PipelineStatus.CANCELLED);
        assertThat(cancelled.task("on_failure.0")).isNull();

        Run failing = start(onFailure(task("core.fail"), task("core.echo")), "{}");
        failForGood(failing, "0", "error", "boom");
        advancer.cancel(failing, new Outbound(json));
        assertThat(failing.pipeline().status).isEqualTo(PipelineStatus.FAILURE);
        assertThat(failing.pipeline().error).isEqualTo("task core.fail (0) failed: error: boom");
        assertThat(failing.task("on_failure.0").state).isEqualTo(TaskState.REVOKED);
    }

    @Test
    void aFailedJoinNamesItsFailedMemberOrItsOwnNodeWhenItTimedOut() {
        Run failFast = start(onFailure(chord(task("core.echo"), task("core.fail")).then(task("core.echo")), task("core.echo")), "{}");
        failForGood(failFast, "0.h1", "invalid_input", "bad");
        Outbound joined = new Outbound(json);
        advancer.completeJoin(failFast, "0", false, joined);
        assertThat(dispatch(joined, "on_failure.0").path("input").path("failed_task").asString()).isEqualTo("core.fail");
        assertThat(dispatch(joined, "on_failure.0").path("input").path("node").asString()).isEqualTo("0.h1");

        Run timedOut = start(onFailure(group(task("core.echo"), task("core.echo")), task("core.echo")), "{}");
        Outbound late = new Outbound(json);
        advancer.completeJoin(timedOut, "0", true, late);
        JsonNode input = dispatch(late, "on_failure.0").path("input");
        assertThat(input.path("failed_task").isNull()).isTrue();
        assertThat(input.path("node").asString()).isEqualTo("0");
        assertThat(input.path("error").path("reason").asString()).isEqualTo("timeout");
    }

    @Test
    void aRunTakenUpAgainWhileItsOnFailureCanvasRunsDispatchesNothingTwiceAndALateReportChangesNothing() {
        Run run = start(onFailure(chain(task("core.echo"), task("core.fail")), task("core.echo")), "{}");
        finish(run, "0", "{}");
        failForGood(run, "1", "invalid_input", "bad");
        Outbound redelivered = new Outbound(json);
        assertThat(advancer.apply(run, event(run, "1", TaskEvent.Outcome.FAILURE, null,
                new Messages.ErrorInfo("invalid_input", "bad", false)), redelivered)).isFalse();

        // after a restart: the stored records in a new Run, taken up as the engine does (rejoin, reconcile)
        Run takenUp = new Run(run.records(), Plan.of(onFailure(chain(task("core.echo"), task("core.fail")), task("core.echo"))),
                json, Instant.now());
        Outbound out = new Outbound(json);
        advancer.rejoin(takenUp, out);
        advancer.reconcile(takenUp, out);

        assertThat(dispatchedNodes(redelivered)).isEmpty();
        assertThat(dispatchedNodes(out)).isEmpty();
        assertThat(takenUp.records().tasks()).extracting(t -> t.node).containsExactly("0", "1", "on_failure.0");
        assertThat(takenUp.pipeline().status).isEqualTo(PipelineStatus.RUNNING);
        finish(takenUp, "on_failure.0", "{}");
        assertThat(takenUp.pipeline().status).isEqualTo(PipelineStatus.FAILURE);
    }

    @Test
    void aRevokedTaskFailsTheRunAsAFailedOneWouldAndRevokingAnOnFailureTaskEndsIt() {
        Run run = start(onFailure(chain(task("core.echo"), task("core.echo")), task("core.echo")), "{}");
        Outbound revoked = new Outbound(json);
        assertThat(advancer.revokeTask(run, "0", revoked)).isTrue();

        JsonNode input = dispatch(revoked, "on_failure.0").path("input");
        assertThat(input.path("failed_task").asString()).isEqualTo("core.echo");
        assertThat(input.path("node").asString()).isEqualTo("0");
        assertThat(input.path("error").path("reason").asString()).isEqualTo("revoked");
        assertThat(run.pipeline().status).isEqualTo(PipelineStatus.RUNNING);

        assertThat(advancer.revokeTask(run, "on_failure.0", new Outbound(json))).isTrue();
        assertThat(run.pipeline().status).isEqualTo(PipelineStatus.FAILURE);
        assertThat(run.pipeline().error).isEqualTo("task core.echo (0) failed: revoked");
    }

    @Test
    void aRefusedMapNamesItsNodeAndItsReason() {
        Run run = start(onFailure(chain(task("core.echo"), forEach("items", task("core.echo"))), task("core.echo")), "{}");
        Outbound out = finish(run, "0", "{\"no_items\": true}");
        JsonNode input = dispatch(out, "on_failure.0").path("input");
        assertThat(input.path("failed_task").isNull()).isTrue();
        assertThat(input.path("node").asString()).isEqualTo("1");
        assertThat(input.path("error").path("reason").asString()).isEqualTo("invalid_input");
        assertThat(input.path("error").path("message").asString()).isEqualTo("the input has no list at 'items'");
    }

    @Test
    void aRunThatSucceedsNeverRecordsItsOnFailureTasks() {
        Run run = start(onFailure(task("core.echo"), task("core.echo")), "{}");
        finish(run, "0", "1");
        assertThat(run.pipeline().status).isEqualTo(PipelineStatus.SUCCESS);
        assertThat(run.records().tasks()).extracting(t -> t.node).containsExactly("0");
    }

    // ---- helpers ----------------------------------------------------------------------------

    private Outbound lastOut;

    private Run start(Canvas canvas, String input) {
        PipelineRow row = new PipelineRow("chain-1", "test", "{}", input, null, "test", Instant.now(), PipelineStatus.PENDING);
        Run run = new Run(ChainRecords.forNewPipeline(row), Plan.of(canvas), json, Instant.now());
        lastOut = new Outbound(json);
        advancer.start(run, lastOut);
        return run;
    }

    private Outbound finish(Run run, String node, String result) {
        Outbound out = new Outbound(json);
        assertThat(advancer.apply(run, event(run, node, TaskEvent.Outcome.SUCCESS, result, null), out)).isTrue();
        advancer.reconcile(run, out);
        return out;
    }

    private Outbound failForGood(Run run, String node, String reason, String message) {
        Outbound out = new Outbound(json);
        advancer.apply(run, event(run, node, TaskEvent.Outcome.FAILURE, null, new Messages.ErrorInfo(reason, message, false)), out);
        advancer.reconcile(run, out);
        return out;
    }

    private TaskEvent event(Run run, String node, TaskEvent.Outcome outcome, String result, Messages.ErrorInfo error) {
        TaskRow task = run.task(node);
        return new TaskEvent(TaskEvent.Type.FINISHED, run.chainId(), task.taskId, node, task.attempt, outcome,
                result == null ? null : json.readTree(result), error, Instant.now(), Instant.now(), "test");
    }

    /** A success report of the next attempt of a task not dispatched yet: one a worker sent on, come before the report of the step before. */
    private TaskEvent overtaking(Run run, String node, String result) {
        TaskRow task = run.task(node);
        return new TaskEvent(TaskEvent.Type.FINISHED, run.chainId(), task.taskId, node, task.attempt + 1, TaskEvent.Outcome.SUCCESS,
                json.readTree(result), null, Instant.now(), Instant.now(), "test");
    }

    private List<String> dispatchedNodes(Outbound out) {
        return out.messages().stream().filter(m -> m.topic().startsWith(Topics.TASK_PREFIX) && !m.topic().equals(Topics.TASKS_DEAD_LETTER))
                .map(m -> json.readTree(m.payload()).path("node").asString()).toList();
    }

    private JsonNode dispatch(Outbound out, String node) {
        for (OutboxMessage m : out.messages()) {
            JsonNode payload = json.readTree(m.payload());
            if (m.topic().startsWith(Topics.TASK_PREFIX) && payload.path("node").asString().equals(node)) {
                return payload;
            }
        }
        throw new AssertionError("no dispatch of " + node + " in " + out.messages());
    }
}
