package dev.tessera.spec.agg;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * The binary form of accumulators, which every stored tile holds one of per feature, so it is
 * compact: a leading format version byte (each accumulator class has its own, to change its form
 * without breaking stored tiles), then the fields. Counts and sizes are unsigned LEB128 varints,
 * signed integers zig-zag varints, doubles their 8 IEEE bytes (big-endian), values tagged with
 * their type.
 */
final class Encoding {

    private Encoding() {}

    static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Writer(int version) {
            out.write(version);
        }

        Writer writeByte(int b) {
            out.write(b);
            return this;
        }

        Writer writeBoolean(boolean b) {
            return writeByte(b ? 1 : 0);
        }

        /** A non-negative integer in 1 byte per 7 bits. */
        Writer writeUnsigned(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) (v & 0x7F) | 0x80);
                v >>>= 7;
            }
            out.write((int) v);
            return this;
        }

        /** A signed integer, zig-zag mapped so that small magnitudes take few bytes. */
        Writer writeSigned(long v) {
            return writeUnsigned((v << 1) ^ (v >> 63));
        }

        /** 8 bytes, for values spread over the whole range (hashes), where a varint is longer. */
        Writer writeLong(long v) {
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (v >>> shift));
            }
            return this;
        }

        Writer writeDouble(double v) {
            return writeLong(Double.doubleToRawLongBits(v));
        }

        /** Length-prefixed bytes. */
        Writer writeBytes(byte[] bytes) {
            writeUnsigned(bytes.length);
            out.writeBytes(bytes);
            return this;
        }

        /**
         * The UTF-16 chars, each a varint: as compact as UTF-8 for ASCII and most scripts, and
         * unlike UTF-8 it gives back any Java string, even one with an unpaired surrogate.
         */
        Writer writeString(String s) {
            writeUnsigned(s.length());
            for (int i = 0; i < s.length(); i++) {
                writeUnsigned(s.charAt(i));
            }
            return this;
        }

        Writer writeValue(Object value) {
            int tag = Values.tag(value);
            writeByte(tag);
            switch (tag) {
                case Values.STRING -> writeString((String) value);
                case Values.LONG -> writeSigned((Long) value);
                case Values.DOUBLE -> writeDouble((Double) value);
                default -> {} // booleans: the tag is the value
            }
            return this;
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }

    /**
     * Reads what a {@link Writer} wrote; malformed input is an {@link IllegalArgumentException}.
     */
    static final class Reader {
        private final ByteBuffer in;
        private final String aggregation;

        /** Starts reading {@code encoded}, which must be of format {@code version}. */
        Reader(byte[] encoded, int version, String aggregation) {
            this.in = ByteBuffer.wrap(encoded);
            this.aggregation = aggregation;
            int actual = readByte();
            if (actual != version) {
                throw malformed("format version " + actual + ", expected " + version);
            }
        }

        int readByte() {
            need(1);
            return in.get() & 0xFF;
        }

        boolean readBoolean() {
            int b = readByte();
            if (b > 1) {
                throw malformed("boolean byte " + b);
            }
            return b == 1;
        }

        long readUnsigned() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = readByte();
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            throw malformed("varint longer than 64 bits");
        }

        /** An unsigned count no larger than {@code max}, such as the length of a list. */
        int readCount(int max) {
            long count = readUnsigned();
            if (count > max) {
                throw malformed("count " + count + " above " + max);
            }
            return (int) count;
        }

        long readSigned() {
            long v = readUnsigned();
            return (v >>> 1) ^ -(v & 1);
        }

        long readLong() {
            need(8);
            return in.getLong();
        }

        double readDouble() {
            return Double.longBitsToDouble(readLong());
        }

        byte[] readBytes() {
            int length = readCount(Integer.MAX_VALUE);
            need(length);
            byte[] bytes = new byte[length];
            in.get(bytes);
            return bytes;
        }

        String readString() {
            int length = readCount(Integer.MAX_VALUE);
            need(length); // each char takes a byte at least: no allocating for a corrupt length
            char[] chars = new char[length];
            for (int i = 0; i < chars.length; i++) {
                long c = readUnsigned();
                if (c > Character.MAX_VALUE) {
                    throw malformed("char " + c);
                }
                chars[i] = (char) c;
            }
            return new String(chars);
        }

        Object readValue() {
            int tag = readByte();
            return switch (tag) {
                case Values.STRING -> readString();
                case Values.LONG -> readSigned();
                case Values.DOUBLE -> readDouble();
                case Values.FALSE -> false;
                case Values.TRUE -> true;
                default -> throw malformed("value tag " + tag);
            };
        }

        /** Checks that everything was read: trailing bytes mean a different layout. */
        void end() {
            if (in.hasRemaining()) {
                throw malformed(in.remaining() + " trailing bytes");
            }
        }

        IllegalArgumentException malformed(String problem) {
            return new IllegalArgumentException(
                    "malformed encoded " + aggregation + " accumulator: " + problem);
        }

        private void need(int bytes) {
            if (in.remaining() < bytes) {
                throw malformed("truncated");
            }
        }
    }
}
