package ai.pipeline.orchestration.engine;

import ai.pipeline.orchestration.canvas.Canvas;
import ai.pipeline.orchestration.canvas.CanvasJson;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Compiled plans of recent runs, so a canvas stored once is parsed once, not at every result. */
final class PlanCache {

    private static final int CAPACITY = 20_000;

    private final CanvasJson canvasJson;
    private final Map<String, Plan> plans = Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Plan> eldest) {
            return size() > CAPACITY;
        }
    });

    PlanCache(CanvasJson canvasJson) {
        this.canvasJson = canvasJson;
    }

    Plan plan(String chainId, String storedCanvas) {
        Plan plan = plans.get(chainId);
        if (plan == null) {
            plan = Plan.of(canvasJson.parse(storedCanvas));
            plans.put(chainId, plan);
        }
        return plan;
    }

    Plan remember(String chainId, Canvas canvas) {
        Plan plan = Plan.of(canvas);
        plans.put(chainId, plan);
        return plan;
    }
}
