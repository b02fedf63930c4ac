package org.iommufdsim.backend.os;

import org.iommufdsim.sim.uapi.CStruct;

/**
 * A C function's stack frame: its locals live in the process's user memory (so the kernel can
 * read and write them through pointers) until the function returns. Closing the frame pops it;
 * frames nest strictly, like calls.
 */
public final class Frame implements AutoCloseable {
  private final Libc libc;
  private final long savedTop;
  private final int depth;
  private boolean closed;

  Frame(Libc libc, long savedTop, int depth) {
    this.libc = libc;
    this.savedTop = savedTop;
    this.depth = depth;
  }

  /** A zero-initialised local struct: {@code struct T s = {0};}. */
  public UStruct local(CStruct type) {
    return UStruct.zeroed(libc.memory(), type, alloca(type.size()));
  }

  /** {@code length} zeroed bytes on the stack ({@code uint8_t buf[length] = {0};}). */
  public long alloca(long length) {
    checkOpen();
    return libc.stackAlloc(length, depth);
  }

  @Override
  public void close() {
    checkOpen();
    libc.stackPop(savedTop, depth);
    closed = true;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("stack frame used after return");
    }
  }
}
