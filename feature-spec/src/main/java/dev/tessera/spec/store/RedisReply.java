package dev.tessera.spec.store;

import java.util.List;
import java.util.Map;

/**
 * A Redis reply as {@link RedisLayout}'s parsers read it: a client adapts its own replies to this,
 * so the layout stays free of any client.
 */
public interface RedisReply {

    /** The elements of an array reply (HMGET, KEYS), each null where Redis answered nil. */
    List<byte[]> elements();

    /** The fields of a hash reply (HGETALL), by field name; empty when the hash does not exist. */
    Map<String, byte[]> fields();
}
