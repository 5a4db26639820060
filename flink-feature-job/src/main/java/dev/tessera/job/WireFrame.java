package dev.tessera.job;

import dev.tessera.spec.model.WireFormat;
import dev.tessera.spec.registry.SchemaId;
import java.nio.ByteBuffer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Where a record of a stream's topic names its writer's schema, and where its Avro body starts, by
 * the stream's {@link WireFormat}:
 *
 * <ul>
 *   <li>{@link WireFormat#APICURIO}: the header {@value #CONTENT_ID_HEADER} or {@value
 *       #GLOBAL_ID_HEADER} (an 8-byte big-endian id, the serde's headers mode) before a plain Avro
 *       body; else a zero byte and a 4-byte big-endian content id before it (the serde's default).
 *   <li>{@link WireFormat#CONFLUENT}: a zero byte and a 4-byte big-endian schema id before it.
 * </ul>
 *
 * @param bodyOffset where the Avro body starts in the record's value
 */
record WireFrame(SchemaId schemaId, int bodyOffset) {

    static final String CONTENT_ID_HEADER = "apicurio.value.contentId";
    static final String GLOBAL_ID_HEADER = "apicurio.value.globalId";

    private static final byte MAGIC_BYTE = 0;
    private static final int PREFIX_LENGTH = 5;

    /**
     * @throws UndecodableEventException if the record does not name a schema as its format says
     */
    static WireFrame of(WireFormat format, byte[] value, Headers headers) {
        if (format == WireFormat.APICURIO) {
            Header contentId = headers.lastHeader(CONTENT_ID_HEADER);
            if (contentId != null) {
                return new WireFrame(headerId(SchemaId.Kind.CONTENT_ID, contentId), 0);
            }
            Header globalId = headers.lastHeader(GLOBAL_ID_HEADER);
            if (globalId != null) {
                return new WireFrame(headerId(SchemaId.Kind.GLOBAL_ID, globalId), 0);
            }
        }
        if (value.length < PREFIX_LENGTH || value[0] != MAGIC_BYTE) {
            throw new UndecodableEventException(
                    "record does not start with a zero byte and a 4-byte schema id ("
                            + format.yamlName()
                            + " wire format)"
                            + (value.length == 0 ? ": its value is empty" : ""));
        }
        long id = Integer.toUnsignedLong(ByteBuffer.wrap(value, 1, 4).getInt());
        SchemaId.Kind kind =
                format == WireFormat.APICURIO
                        ? SchemaId.Kind.CONTENT_ID
                        : SchemaId.Kind.CONFLUENT_ID;
        return new WireFrame(new SchemaId(kind, id), PREFIX_LENGTH);
    }

    private static SchemaId headerId(SchemaId.Kind kind, Header header) {
        byte[] bytes = header.value();
        if (bytes == null || bytes.length != Long.BYTES) {
            throw new UndecodableEventException(
                    "header "
                            + header.key()
                            + " holds "
                            + (bytes == null ? "nothing" : bytes.length + " bytes")
                            + ", not an 8-byte id");
        }
        return new SchemaId(kind, ByteBuffer.wrap(bytes).getLong());
    }
}
