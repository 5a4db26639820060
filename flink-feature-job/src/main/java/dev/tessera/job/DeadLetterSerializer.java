package dev.tessera.job;

import java.io.IOException;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
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
 * Serializes {@link DeadLetter}s between operators: each field in order, null bytes as length -1.
 */
final class DeadLetterSerializer extends TypeSerializerSingleton<DeadLetter> {

    private static final long serialVersionUID = 1L;

    static final DeadLetterSerializer INSTANCE = new DeadLetterSerializer();

    /** How Flink finds this serializer for {@link DeadLetter} (see its {@code @TypeInfo}). */
    public static final class TypeInfo extends TypeInfoFactory<DeadLetter> {
        @Override
        public TypeInformation<DeadLetter> createTypeInfo(
                Type type, Map<String, TypeInformation<?>> genericParameters) {
            return new SerializerTypeInfo<>(DeadLetter.class, INSTANCE);
        }
    }

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public DeadLetter createInstance() {
        return new DeadLetter("", "", "", 0, 0, 0, null, null, List.of());
    }

    @Override
    public DeadLetter copy(DeadLetter from) {
        return from;
    }

    @Override
    public DeadLetter copy(DeadLetter from, DeadLetter reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(DeadLetter letter, DataOutputView out) throws IOException {
        StringValue.writeString(letter.stream(), out);
        StringValue.writeString(letter.detail(), out);
        StringValue.writeString(letter.topic(), out);
        out.writeInt(letter.partition());
        out.writeLong(letter.offset());
        out.writeLong(letter.timestamp());
        writeBytes(letter.key(), out);
        writeBytes(letter.value(), out);
        out.writeInt(letter.headers().size());
        for (DeadLetter.Header header : letter.headers()) {
            StringValue.writeString(header.key(), out);
            writeBytes(header.value(), out);
        }
    }

    @Override
    public DeadLetter deserialize(DataInputView in) throws IOException {
        String stream = StringValue.readString(in);
        String detail = StringValue.readString(in);
        String topic = StringValue.readString(in);
        int partition = in.readInt();
        long offset = in.readLong();
        long timestamp = in.readLong();
        byte[] key = readBytes(in);
        byte[] value = readBytes(in);
        int headerCount = in.readInt();
        List<DeadLetter.Header> headers = new ArrayList<>(headerCount);
        for (int i = 0; i < headerCount; i++) {
            headers.add(new DeadLetter.Header(StringValue.readString(in), readBytes(in)));
        }
        return new DeadLetter(
                stream, detail, topic, partition, offset, timestamp, key, value, headers);
    }

    /** Null as length -1: Kafka keys, values and header values may be null. */
    private static void writeBytes(byte[] bytes, DataOutputView out) throws IOException {
        if (bytes == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(bytes.length);
            out.write(bytes);
        }
    }

    private static byte[] readBytes(DataInputView in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }

    @Override
    public DeadLetter deserialize(DeadLetter reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public TypeSerializerSnapshot<DeadLetter> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The format has one version so far; the snapshot only names the serializer. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<DeadLetter> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
