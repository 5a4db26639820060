package dev.tessera.job;

import java.time.Duration;
import org.apache.flink.api.common.state.StateTtlConfig;

/** The state time-to-live the job's operators use. */
final class StateExpiry {

    private StateExpiry() {}

    /**
     * State that expires {@code ttl} after it was last written (processing time: Flink's state TTL
     * knows no other) and is never read once expired.
     */
    static StateTtlConfig afterWrite(Duration ttl) {
        return StateTtlConfig.newBuilder(ttl)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .build();
    }
}
