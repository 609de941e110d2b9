package io.pgmcp.resilience;

import java.util.ArrayList;
import java.util.List;

/** A cancellation a test fires by hand; hooks registered after it fired run at once. */
final class ManualCancellation implements Cancellation {
    private final List<Runnable> hooks = new ArrayList<>();
    private boolean cancelled;

    @Override
    public void onCancel(Runnable hook) {
        boolean now;
        synchronized (this) {
            now = cancelled;
            if (!now) {
                hooks.add(hook);
            }
        }
        if (now) {
            hook.run();
        }
    }

    void cancel() {
        List<Runnable> toRun;
        synchronized (this) {
            cancelled = true;
            toRun = List.copyOf(hooks);
            hooks.clear();
        }
        toRun.forEach(Runnable::run);
    }
}
