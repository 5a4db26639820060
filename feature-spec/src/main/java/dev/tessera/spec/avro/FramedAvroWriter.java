package dev.tessera.spec.avro;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Writes Avro records in a registry serializer's wire format with the schema looked up once per
 * topic and schema. The Apicurio serializer writes the schema as JSON and hashes it again for every
 * record, a seventh of the rolling job's CPU. The first record of a topic and schema goes through
 * the serializer; when its bytes are a prefix (the magic byte and schema id) followed by exactly
 * the record's plain Avro binary, later records are written as that prefix and their Avro binary.
 * When they are not (the id in record headers, another encoding), every record goes through the
 * serializer.
 */
public final class FramedAvroWriter {

    private record Key(String topic, Schema schema) {}

    /** The bytes before the Avro body, or null when the serializer frames otherwise. */
    private record Framing(byte[] prefix, GenericDatumWriter<GenericRecord> writer) {}

    private final Map<Key, Framing> framings = new ConcurrentHashMap<>();

    /**
     * The record's bytes for {@code topic}, as {@code serializer} writes them.
     *
     * @param serializer the registry serializer, run for the first record of a topic and schema
     */
    public byte[] write(String topic, GenericRecord record, Supplier<byte[]> serializer) {
        Key key = new Key(topic, record.getSchema());
        Framing framing = framings.get(key);
        if (framing == null) {
            byte[] framed = serializer.get();
            framings.put(key, learn(framed, record));
            return framed;
        }
        if (framing.prefix() == null) {
            return serializer.get();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(framing.prefix().length + 64);
        out.writeBytes(framing.prefix());
        body(framing.writer(), record, out);
        return out.toByteArray();
    }

    private static Framing learn(byte[] framed, GenericRecord record) {
        GenericDatumWriter<GenericRecord> writer = new GenericDatumWriter<>(record.getSchema());
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        body(writer, record, plain);
        byte[] body = plain.toByteArray();
        int prefix = framed.length - body.length;
        boolean endsWithBody =
                prefix > 0 && Arrays.equals(framed, prefix, framed.length, body, 0, body.length);
        return new Framing(endsWithBody ? Arrays.copyOf(framed, prefix) : null, writer);
    }

    private static void body(
            GenericDatumWriter<GenericRecord> writer,
            GenericRecord record,
            ByteArrayOutputStream out) {
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writer.write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
