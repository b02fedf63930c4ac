package org.iommufdsim.properties.suites.guests;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.iommufdsim.properties.transcript.Call;

/**
 * "QEMU reads its fault fds the way the PRQ patch says" (VT-d), checked on the system calls the
 * process made in a step, as the recording saw them: every fault queue the kernel created gets
 * {@code fcntl(F_SETFL)} with the flags the kernel answered to {@code F_GETFL} plus
 * {@code O_NONBLOCK}; a fault fd is read only right after {@code poll} answered
 * {@code POLLIN} for it, once per such answer.
 */
final class VtdFds {
  static final String LABEL = "fault fds are non-blocking and read once per POLLIN";
  /** Linux's {@code include/uapi/asm-generic/fcntl.h} values (x86-64). */
  static final int F_GETFL = 3;
  static final int F_SETFL = 4;
  static final long O_NONBLOCK = 04000;
  static final long POLLIN = 0x0001;

  private VtdFds() {}

  /** The process's calls since {@code from}. */
  static List<Call> since(VtdWorld w, int from) {
    List<Call> all = w.rec.calls();
    return all.subList(Math.min(from, all.size()), all.size());
  }

  /** Checks the step's calls (those after {@code w.recCursor}) and advances the cursor. */
  static void check(VtdWorld w) {
    List<Call> calls = since(w, w.recCursor);
    w.recCursor = w.rec.calls().size();
    Map<Integer, Long> getfl = new HashMap<>();
    Map<Integer, Long> setfl = new HashMap<>();
    Map<Integer, Integer> readable = new HashMap<>();
    for (Call c : calls) {
      switch (c) {
        case Call.Fcntl f when f.cmd() == F_GETFL && f.result().isOk() ->
            getfl.put(f.fd(), f.result().value());
        case Call.Fcntl f when f.cmd() == F_SETFL -> {
          Long flags = getfl.get(f.fd());
          if (flags == null || f.arg() != (flags | O_NONBLOCK)) {
            w.violations.add(LABEL, "fcntl(" + f.fd() + ", F_SETFL, 0x" + Long.toHexString(f.arg())
                + ") where F_GETFL answered " + (flags == null ? "nothing"
                : "0x" + Long.toHexString(flags)) + ": expected those flags | O_NONBLOCK");
          }
          setfl.put(f.fd(), f.arg());
        }
        case Call.Poll p when p.result().isOk() && (p.result().value() & POLLIN) != 0 ->
            readable.merge(p.fd(), 1, Integer::sum);
        case Call.Read r -> {
          Integer n = readable.get(r.fd());
          if (n == null || n == 0) {
            w.violations.add(LABEL, "read of fd " + r.fd() + " without a poll answering POLLIN");
          } else {
            readable.put(r.fd(), n - 1);
          }
        }
        default -> { }
      }
    }
    for (KernelCall c : w.kernel.stepCalls) {
      if (c.isIoctl("IOMMU_FAULT_QUEUE_ALLOC") && c.ok()) {
        int fd = (int) c.out("out_fault_fd");
        Long arg = setfl.get(fd);
        if (arg == null || (arg & O_NONBLOCK) == 0) {
          w.violations.add(LABEL, "fault fd " + fd + " (fault " + c.out("out_fault_id")
              + ") was not made non-blocking: " + (arg == null ? "no F_SETFL"
              : "F_SETFL 0x" + Long.toHexString(arg)));
        }
      }
    }
    readable.forEach((fd, n) -> {
      if (n != 0) {
        w.violations.add(LABEL, "poll answered POLLIN for fd " + fd + " " + n
            + " more time(s) than QEMU read it");
      }
    });
  }

  /** How many reads the process made since {@code from}. */
  static int reads(VtdWorld w, int from) {
    return (int) since(w, from).stream().filter(Call.Read.class::isInstance).count();
  }
}
