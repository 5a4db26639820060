package dev.tessera.job;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.streaming.api.TimerService;

/**
 * Values held in keyed state until an event-time timer of theirs fires, by time: the buffers of the
 * operators that release what they take in time order ({@link EventTimeOrder}, the training set's
 * point-in-time read, {@code since} in time order). One timer per distinct time.
 */
public final class Pending {

    private Pending() {}

    /** Holds {@code value} until the timer at {@code at}, registering it if it is the first. */
    public static <T> void hold(
            MapState<Long, List<T>> pending, long at, T value, TimerService timers)
            throws Exception {
        List<T> atTime = pending.get(at);
        if (atTime == null) {
            atTime = new ArrayList<>(1);
            timers.registerEventTimeTimer(at);
        }
        atTime.add(value);
        pending.put(at, atTime);
    }

    /** The values held until {@code at}, in the order they came, no longer held; empty if none. */
    public static <T> List<T> release(MapState<Long, List<T>> pending, long at) throws Exception {
        List<T> atTime = pending.get(at);
        if (atTime == null) {
            return List.of();
        }
        pending.remove(at);
        return atTime;
    }
}
