package dev.tessera.spec.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Slots as Redis Cluster computes them: values from the cluster specification and redis-cli. */
class RedisSlotsTest {

    @Test
    void crc16IsXmodem() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertThat(RedisSlots.crc16(check, 0, check.length)).isEqualTo(0x31C3);
    }

    @Test
    void slotsOfKnownKeys() {
        assertThat(RedisSlots.of("foo")).isEqualTo(12182);
        assertThat(RedisSlots.of("bar")).isEqualTo(5061);
        assertThat(RedisSlots.of("hello")).isEqualTo(866);
        assertThat(RedisSlots.of("")).isZero();
    }

    @Test
    void hashTagsChooseTheSlot() {
        assertThat(RedisSlots.of("{user1000}.following"))
                .isEqualTo(RedisSlots.of("{user1000}.followers"))
                .isEqualTo(RedisSlots.of("user1000"));
        // Only the first '{' and the next '}' count; an empty tag hashes the whole key.
        assertThat(RedisSlots.of("foo{}{bar}")).isNotEqualTo(RedisSlots.of("bar"));
        assertThat(RedisSlots.of("foo{{bar}}zap")).isEqualTo(RedisSlots.of("{bar"));
        assertThat(RedisSlots.of("foo{bar}{zap}")).isEqualTo(RedisSlots.of("bar"));
    }

    @Test
    void oneEntityIdsKeysShareASlot() {
        String id = "a}:b ü";
        assertThat(RedisSlots.of(RedisLayout.key("user", id, "g1")))
                .isEqualTo(RedisSlots.of(RedisLayout.tilesKey("user", id, "g2")));
    }

    @Test
    void commandsNameTheirKeysSlot() {
        String key = RedisLayout.key("user", "u1", "g");
        assertThat(RedisSlots.of(RedisCommand.of("EVALSHA", "sha", "1", key, "1")))
                .contains(RedisSlots.of(key));
        assertThat(RedisSlots.of(RedisCommand.of("HGETALL", key))).contains(RedisSlots.of(key));
        assertThat(RedisSlots.of(RedisCommand.of("SCRIPT", "LOAD", "return 1"))).isEmpty();
        assertThat(RedisSlots.of(RedisCommand.of("EVALSHA", "sha", "0"))).isEmpty();
    }
}
