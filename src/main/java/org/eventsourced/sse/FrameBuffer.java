package org.eventsourced.sse;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * A growable byte buffer that collects a batch of frames so it reaches the socket in one
 * write. Not thread-safe: each stream has its own, used only by its request thread.
 */
public final class FrameBuffer {
    private byte[] bytes;
    private int size;

    public FrameBuffer(int initialCapacity) {
        bytes = new byte[Math.max(16, initialCapacity)];
    }

    public void write(int b) {
        ensure(1);
        bytes[size++] = (byte) b;
    }

    public void write(byte[] b) {
        write(b, 0, b.length);
    }

    public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, bytes, size, len);
        size += len;
    }

    public int size() {
        return size;
    }

    /**
     * Writes the collected bytes to {@code out} in pieces of at most {@code piece} bytes, each
     * flushed, and empties the buffer.
     */
    public void flushTo(OutputStream out, int piece) throws IOException {
        for (int off = 0; off < size; off += piece) {
            out.write(bytes, off, Math.min(piece, size - off));
            out.flush();
        }
        size = 0;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
