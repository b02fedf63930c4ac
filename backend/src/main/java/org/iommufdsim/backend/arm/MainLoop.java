package org.iommufdsim.backend.arm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.iommufdsim.backend.os.Libc;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.uapi.LinuxUapi;

/**
 * The part of QEMU's main loop ({@code util/main-loop.c}, {@code util/aio-posix.c}) the vEVENTQ
 * needs: {@code qemu_set_fd_handler(fd, read, NULL, opaque)} registers a read handler, and
 * {@link #mainLoopWait()} is one deterministic dispatch: every registered fd is polled (one
 * {@code poll(fd, POLLIN)} each, in registration order) and each readable fd's handler is
 * called once; this repeats until a pass finds no fd readable.
 */
public final class MainLoop {
  private final Libc libc;
  private final Map<Integer, Runnable> handlers = new LinkedHashMap<>();

  public MainLoop(Libc libc) {
    this.libc = libc;
  }

  /** Port of {@code qemu_set_fd_handler(fd, fd_read, NULL, opaque)}; null removes it. */
  public void qemuSetFdHandler(int fd, Runnable fdRead) {
    if (fdRead == null) {
      handlers.remove(fd);
    } else {
      handlers.put(fd, fdRead);
    }
  }

  /** Whether {@code fd} has a read handler. */
  public boolean hasHandler(int fd) {
    return handlers.containsKey(fd);
  }

  /**
   * {@code main_loop_wait(nonblocking=true)} until idle: returns how many handler calls were
   * made. Bounded (10000 passes) so a handler that never drains its fd cannot hang a test.
   */
  public int mainLoopWait() {
    int calls = 0;
    for (int pass = 0; pass < 10000; pass++) {
      boolean any = false;
      for (Map.Entry<Integer, Runnable> e : List.copyOf(handlers.entrySet())) {
        if (!handlers.containsKey(e.getKey())) {
          continue;
        }
        SysResult r = libc.syscalls().poll(e.getKey(), (int) LinuxUapi.POLLIN);
        if (r.isOk() && (r.value() & LinuxUapi.POLLIN) != 0) {
          any = true;
          calls++;
          e.getValue().run();
        }
      }
      if (!any) {
        return calls;
      }
    }
    throw new IllegalStateException("an fd handler never drains its fd");
  }
}
