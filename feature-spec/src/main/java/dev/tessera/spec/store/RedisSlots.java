package dev.tessera.spec.store;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * Redis Cluster's hash slots, as the cluster computes them: CRC16 (XMODEM) of the key, or of its
 * hash tag (the text between the first '{' and the next '}', when not empty), modulo 16384. A
 * client that knows which node serves which slots sends each node its own commands.
 */
public final class RedisSlots {

    /** The number of slots of a Redis Cluster. */
    public static final int COUNT = 16384;

    private static final int[] CRC16_TABLE = crc16Table();

    private RedisSlots() {}

    /** The slot of a key. */
    public static int of(byte[] key) {
        int start = 0;
        int end = key.length;
        int open = indexOf(key, (byte) '{', 0);
        if (open >= 0) {
            int close = indexOf(key, (byte) '}', open + 1);
            if (close > open + 1) {
                start = open + 1;
                end = close;
            }
        }
        return crc16(key, start, end) & (COUNT - 1);
    }

    /** The slot of a key given as text, sent as UTF-8. */
    public static int of(String key) {
        return of(key.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The slot of the key a command names, empty when it names none (SCRIPT, KEYS...): the first
     * key of an EVALSHA, the hash an HMGET or HGETALL reads: the commands {@link RedisLayout} sends
     * per entity id.
     */
    public static Optional<Integer> of(RedisCommand command) {
        return switch (command.name().toUpperCase(Locale.ROOT)) {
            case "EVALSHA" ->
                    command.args().size() > 2 && !"0".equals(command.text(1))
                            ? Optional.of(of(command.args().get(2)))
                            : Optional.empty();
            case "HMGET", "HGETALL" -> Optional.of(of(command.args().get(0)));
            default -> Optional.empty();
        };
    }

    /** CRC16-CCITT (XMODEM: polynomial 0x1021, initial value 0), the cluster's key hash. */
    static int crc16(byte[] bytes, int start, int end) {
        int crc = 0;
        for (int i = start; i < end; i++) {
            crc = ((crc << 8) ^ CRC16_TABLE[((crc >>> 8) ^ bytes[i]) & 0xff]) & 0xffff;
        }
        return crc;
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static int[] crc16Table() {
        int[] table = new int[256];
        for (int n = 0; n < 256; n++) {
            int crc = n << 8;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
            table[n] = crc & 0xffff;
        }
        return table;
    }
}
