package io.pgmcp.resilience;

import io.pgmcp.testing.FakeTicker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A sleeper that returns at once, records each wait and advances a fake ticker by it. */
public final class RecordingSleeper implements Sleeper {
    private final FakeTicker ticker;
    private final List<Duration> waits = new CopyOnWriteArrayList<>();

    public RecordingSleeper(FakeTicker ticker) {
        this.ticker = ticker;
    }

    @Override
    public void sleep(Duration duration) {
        waits.add(duration);
        ticker.advance(duration);
    }

    /** Every wait so far, oldest first. */
    public List<Duration> waits() {
        return List.copyOf(waits);
    }
}
