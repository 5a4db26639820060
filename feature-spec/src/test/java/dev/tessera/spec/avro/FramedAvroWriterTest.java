package dev.tessera.spec.avro;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

class FramedAvroWriterTest {

    static final Schema SCHEMA =
            SchemaBuilder.record("E").fields().requiredString("id").requiredDouble("x").endRecord();

    final FramedAvroWriter writer = new FramedAvroWriter();
    final AtomicInteger serialized = new AtomicInteger();

    @Test
    void writesLaterRecordsAsTheSerializerWouldWithoutCallingIt() {
        for (int i = 0; i < 3; i++) {
            GenericRecord record = record("id-" + i, i * 1.5);
            byte[] expected = idFramed(42, record);

            assertThat(writer.write("t", record, serializer(() -> idFramed(42, record))))
                    .isEqualTo(expected);
        }
        assertThat(serialized).hasValue(1);
    }

    @Test
    void looksUpEachTopicOnItsOwn() {
        GenericRecord record = record("a", 1);

        writer.write("t1", record, serializer(() -> idFramed(1, record)));
        byte[] second = writer.write("t2", record, serializer(() -> idFramed(2, record)));

        assertThat(second).isEqualTo(idFramed(2, record));
        assertThat(serialized).hasValue(2);
    }

    @Test
    void leavesEveryRecordToTheSerializerWhenItFramesOtherwise() {
        // Headers mode: the id goes into the record's headers, the value is the Avro body alone.
        for (int i = 0; i < 3; i++) {
            GenericRecord record = record("id-" + i, i);
            writer.write("t", record, serializer(() -> body(record)));
        }

        assertThat(serialized).hasValue(3);
    }

    private Supplier<byte[]> serializer(Supplier<byte[]> bytes) {
        return () -> {
            serialized.incrementAndGet();
            return bytes.get();
        };
    }

    private static GenericRecord record(String id, double x) {
        GenericRecord record = new GenericData.Record(SCHEMA);
        record.put("id", id);
        record.put("x", x);
        return record;
    }

    /** A magic byte, a 4-byte id and the Avro body, as Apicurio's default framing. */
    private static byte[] idFramed(int id, GenericRecord record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.writeBytes(new byte[] {0, 0, 0, (byte) id});
        out.writeBytes(body(record));
        return out.toByteArray();
    }

    private static byte[] body(GenericRecord record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        try {
            new GenericDatumWriter<GenericRecord>(SCHEMA).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
