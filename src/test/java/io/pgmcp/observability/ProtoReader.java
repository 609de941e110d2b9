package io.pgmcp.observability;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Just enough of the protobuf wire format to read OTLP in tests: varint, fixed64, fixed32, length-delimited. */
final class ProtoReader {
    private final byte[] data;
    private int position;
    private int field;
    private int wireType;

    ProtoReader(byte[] data) {
        this.data = data;
    }

    /** Reads the next field's key; false at the end. */
    boolean next() {
        if (position >= data.length) {
            return false;
        }
        long key = varint();
        field = (int) (key >>> 3);
        wireType = (int) (key & 7);
        return true;
    }

    int field() {
        return field;
    }

    long varint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = data[position++];
            result |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new IllegalStateException("malformed varint at " + position);
    }

    long fixed64() {
        long result = 0;
        for (int i = 0; i < 8; i++) {
            result |= (data[position++] & 0xffL) << (8 * i);
        }
        return result;
    }

    byte[] bytes() {
        if (wireType != 2) {
            throw new IllegalStateException("field " + field + " has wire type " + wireType + ", not length-delimited");
        }
        int length = (int) varint();
        byte[] out = Arrays.copyOfRange(data, position, position + length);
        position += length;
        return out;
    }

    String string() {
        return new String(bytes(), StandardCharsets.UTF_8);
    }

    ProtoReader message() {
        return new ProtoReader(bytes());
    }

    void skip() {
        switch (wireType) {
            case 0 -> varint();
            case 1 -> position += 8;
            case 2 -> bytes();
            case 5 -> position += 4;
            default -> throw new IllegalStateException("unsupported wire type " + wireType + " of field " + field);
        }
    }
}
