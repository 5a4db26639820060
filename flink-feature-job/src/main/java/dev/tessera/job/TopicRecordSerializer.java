package dev.tessera.job;

import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Serializes {@link TopicRecord}s between a source and its {@link EventRouter} (when they are not
 * chained): a tag, then the event as {@link StreamEventSerializer} writes it, or the dead letter.
 */
final class TopicRecordSerializer extends TypeSerializerSingleton<TopicRecord> {

    private static final long serialVersionUID = 1L;

    static final TopicRecordSerializer INSTANCE = new TopicRecordSerializer();

    private static final byte EVENT = 0;
    private static final byte DEAD_LETTER = 1;

    /** How Flink finds this serializer for {@link TopicRecord} (see its {@code @TypeInfo}). */
    public static final class TypeInfo extends TypeInfoFactory<TopicRecord> {
        @Override
        public TypeInformation<TopicRecord> createTypeInfo(
                Type type, Map<String, TypeInformation<?>> genericParameters) {
            return new SerializerTypeInfo<>(TopicRecord.class, INSTANCE);
        }
    }

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public TopicRecord createInstance() {
        return StreamEventSerializer.INSTANCE.createInstance();
    }

    @Override
    public TopicRecord copy(TopicRecord from) {
        return from;
    }

    @Override
    public TopicRecord copy(TopicRecord from, TopicRecord reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(TopicRecord record, DataOutputView out) throws IOException {
        if (record instanceof StreamEvent event) {
            out.writeByte(EVENT);
            StreamEventSerializer.INSTANCE.serialize(event, out);
            return;
        }
        out.writeByte(DEAD_LETTER);
        DeadLetterSerializer.INSTANCE.serialize((DeadLetter) record, out);
    }

    @Override
    public TopicRecord deserialize(DataInputView in) throws IOException {
        byte tag = in.readByte();
        if (tag == EVENT) {
            return StreamEventSerializer.INSTANCE.deserialize(in);
        }
        if (tag != DEAD_LETTER) {
            throw new IOException("unknown topic record tag " + tag);
        }
        return DeadLetterSerializer.INSTANCE.deserialize(in);
    }

    @Override
    public TopicRecord deserialize(TopicRecord reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public TypeSerializerSnapshot<TopicRecord> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The format has one version so far; the snapshot only names the serializer. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<TopicRecord> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
