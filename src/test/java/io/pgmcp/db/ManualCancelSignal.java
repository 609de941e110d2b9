package io.pgmcp.db;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/** A {@link CancelSignal} a test fires with {@link #cancel()}; hooks registered afterwards run at once. */
final class ManualCancelSignal implements CancelSignal {
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Runnable> hooks = new ArrayList<>();
    private boolean cancelled;

    @Override
    public void onCancel(Runnable hook) {
        lock.lock();
        try {
            if (!cancelled) {
                hooks.add(hook);
                return;
            }
        } finally {
            lock.unlock();
        }
        hook.run();
    }

    void cancel() {
        List<Runnable> toRun;
        lock.lock();
        try {
            cancelled = true;
            toRun = List.copyOf(hooks);
            hooks.clear();
        } finally {
            lock.unlock();
        }
        toRun.forEach(Runnable::run);
    }
}
