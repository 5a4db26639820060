package dev.tessera.job;

import org.apache.flink.api.common.state.MapState;

/**
 * Whether a partial read from a {@link MapState} and changed in place is stored already, or must be
 * put back.
 *
 * <p>The heap state backend hands out its live objects (copying them on write while a snapshot is
 * taken), so a change in place is stored; putting the same object back would write a reference into
 * a long-lived map entry for every event, a card that G1 then scans at each young collection.
 * RocksDB hands out copies, which must be put back. (The changelog backend would hand out live
 * objects but log only puts: {@link Checkpointing} turns it off.) Which of the two the operator
 * runs on is seen once, the first time a stored partial is read: reading it again gives the same
 * object only from a heap backend.
 */
final class StoredInPlace {

    private Boolean live;

    /** Whether {@code read}, just read from {@code state} at {@code key}, is the stored object. */
    <K> boolean isStored(MapState<K, Partial> state, K key, Partial read) throws Exception {
        Boolean known = live;
        if (known == null) {
            known = state.get(key) == read;
            live = known;
        }
        return known;
    }
}
