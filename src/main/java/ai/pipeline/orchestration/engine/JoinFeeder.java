package ai.pipeline.orchestration.engine;

import java.util.List;

/** Hands join feeds to the join aggregator (the {@code orchestration-join} route). */
public interface JoinFeeder {

    void feed(List<JoinFeed> feeds);
}
