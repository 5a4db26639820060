package dev.tessera.job;

import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * One event of a stream as the job carries it between operators: decoded from Avro once at the
 * source, independent of the wire format.
 *
 * @param entityId the value of the stream's entity key field
 * @param eventTime the value of the stream's time field, epoch millis
 * @param fields every declared field of the event that is present, by name: {@link String}, {@link
 *     Long}, {@link Double} or {@link Boolean} (timestamps as epoch-millis {@link Long}); not
 *     changed once the event is made
 */
@TypeInfo(StreamEventSerializer.TypeInfo.class)
public record StreamEvent(String entityId, long eventTime, Map<String, Object> fields)
        implements TopicRecord {}
