package dev.tessera.job;

import java.io.IOException;
import java.lang.reflect.Type;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * Serializes {@link StreamEvent}s between operators and in join state: the entity id, the event
 * time, then each field as its name, a type tag and its value. Every event crosses at least one
 * network exchange (the key-by entity id), where Kryo's generic map serialization cost most of the
 * job's time. Events are immutable, so copies are the events themselves.
 */
final class StreamEventSerializer extends TypeSerializerSingleton<StreamEvent> {

    private static final long serialVersionUID = 1L;

    static final StreamEventSerializer INSTANCE = new StreamEventSerializer();

    private static final byte NULL = 0;
    private static final byte STRING = 1;
    private static final byte LONG = 2;
    private static final byte DOUBLE = 3;
    private static final byte BOOLEAN = 4;

    /** How Flink finds this serializer for {@link StreamEvent} (see its {@code @TypeInfo}). */
    public static final class TypeInfo extends TypeInfoFactory<StreamEvent> {
        @Override
        public TypeInformation<StreamEvent> createTypeInfo(
                Type type, Map<String, TypeInformation<?>> genericParameters) {
            return new SerializerTypeInfo<>(StreamEvent.class, INSTANCE);
        }
    }

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public StreamEvent createInstance() {
        return new StreamEvent("", 0, Map.of());
    }

    @Override
    public StreamEvent copy(StreamEvent from) {
        return from;
    }

    @Override
    public StreamEvent copy(StreamEvent from, StreamEvent reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(StreamEvent event, DataOutputView out) throws IOException {
        StringValue.writeString(event.entityId(), out);
        out.writeLong(event.eventTime());
        out.writeInt(event.fields().size());
        for (Map.Entry<String, Object> field : event.fields().entrySet()) {
            StringValue.writeString(field.getKey(), out);
            Object value = field.getValue();
            if (value == null) {
                out.writeByte(NULL);
            } else if (value instanceof String s) {
                out.writeByte(STRING);
                StringValue.writeString(s, out);
            } else if (value instanceof Long l) {
                out.writeByte(LONG);
                out.writeLong(l);
            } else if (value instanceof Double d) {
                out.writeByte(DOUBLE);
                out.writeDouble(d);
            } else if (value instanceof Boolean b) {
                out.writeByte(BOOLEAN);
                out.writeBoolean(b);
            } else {
                throw new IOException(
                        "field '" + field.getKey() + "' holds a " + value.getClass().getName());
            }
        }
    }

    @Override
    public StreamEvent deserialize(DataInputView in) throws IOException {
        String entityId = StringValue.readString(in);
        long eventTime = in.readLong();
        int size = in.readInt();
        Map<String, Object> fields = new HashMap<>(size * 2);
        for (int i = 0; i < size; i++) {
            String name = StringValue.readString(in);
            byte tag = in.readByte();
            fields.put(
                    name,
                    switch (tag) {
                        case NULL -> null;
                        case STRING -> StringValue.readString(in);
                        case LONG -> in.readLong();
                        case DOUBLE -> in.readDouble();
                        case BOOLEAN -> in.readBoolean();
                        default -> throw new IOException("unknown field tag " + tag);
                    });
        }
        return new StreamEvent(entityId, eventTime, fields);
    }

    @Override
    public StreamEvent deserialize(StreamEvent reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public TypeSerializerSnapshot<StreamEvent> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The format has one version so far; the snapshot only names the serializer. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<StreamEvent> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
