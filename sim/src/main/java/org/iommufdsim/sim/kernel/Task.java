package org.iommufdsim.sim.kernel;

import java.util.Map;
import java.util.TreeMap;
import org.iommufdsim.sim.kernel.fs.ConsoleFile;
import org.iommufdsim.sim.kernel.fs.KFile;
import org.iommufdsim.sim.kernel.mm.Mm;

/**
 * The kernel's view of one process: its address space, its fd table, its credentials and its
 * fail-nth counter (fault injection is per task, as in Linux).
 */
public final class Task {
  /** RLIMIT_NOFILE. */
  public static final int NOFILE = 1024;

  private final Kernel kernel;
  private final int pid;
  private final Mm mm;
  private final TreeMap<Integer, KFile> fds = new TreeMap<>();
  /** The same files indexed by number, for fget (the kernel's fdtable is an array too). */
  private final KFile[] byNumber = new KFile[NOFILE];
  /** fd numbers reserved by get_unused_fd but not installed yet. */
  private final TreeMap<Integer, Boolean> reserved = new TreeMap<>();
  private final boolean capSysResource;
  private long failNth;
  private String lastFailPoint;
  private boolean exited;
  /** The checks this task's last (or current) system call ran. */
  private final org.iommufdsim.sim.kernel.decide.DecisionLog decisions =
      new org.iommufdsim.sim.kernel.decide.DecisionLog();

  Task(Kernel kernel, int pid, boolean capSysResource) {
    this.kernel = kernel;
    this.pid = pid;
    this.mm = new Mm(kernel.pageSize());
    this.capSysResource = capSysResource;
    for (int i = 0; i < 3; i++) {
      fds.put(i, new ConsoleFile());
      byNumber[i] = fds.get(i);
    }
  }

  public Kernel kernel() {
    return kernel;
  }

  public int pid() {
    return pid;
  }

  public Mm mm() {
    return mm;
  }

  public boolean capSysResource() {
    return capSysResource;
  }

  /** The decision log of this task's last system call (the current one while it runs). */
  public org.iommufdsim.sim.kernel.decide.DecisionLog decisions() {
    return decisions;
  }

  /** A system call of this task begins: its checks record into this task's log. */
  public void enterCall() {
    kernel.decider().begin(decisions);
  }

  public boolean exited() {
    return exited;
  }

  void markExited() {
    exited = true;
  }

  // ---- fd table ----

  /** fget: the file at {@code fd}, or null. The table keeps its own reference. */
  public KFile file(int fd) {
    return fd >= 0 && fd < NOFILE ? byNumber[fd] : fds.get(fd);
  }

  /** get_unused_fd_flags: the lowest free fd number, or -1 (EMFILE). */
  public int reserveFd() {
    int fd = 0;
    for (int used : fds.navigableKeySet()) {
      if (used != fd) {
        break;
      }
      fd++;
    }
    while (fds.containsKey(fd) || reserved.containsKey(fd)) {
      fd++;
    }
    if (fd >= NOFILE) {
      return -1;
    }
    reserved.put(fd, Boolean.TRUE);
    return fd;
  }

  /** put_unused_fd. */
  public void unreserveFd(int fd) {
    reserved.remove(fd);
  }

  /** fd_install: the table takes over the caller's reference. */
  public void installFd(int fd, KFile file) {
    reserved.remove(fd);
    fds.put(fd, file);
    if (fd >= 0 && fd < NOFILE) {
      byNumber[fd] = file;
    }
  }

  /** close(2): removes the entry and drops its reference; false if fd was not open. */
  public boolean closeFd(int fd) {
    KFile f = fds.remove(fd);
    if (f == null) {
      return false;
    }
    if (fd >= 0 && fd < NOFILE) {
      byNumber[fd] = null;
    }
    f.put();
    return true;
  }

  public Map<Integer, KFile> fds() {
    return java.util.Collections.unmodifiableMap(fds);
  }

  // ---- fault injection (fail-nth) ----

  public void setFailNth(long n) {
    failNth = n;
    lastFailPoint = null;
  }

  public long failNth() {
    return failNth;
  }

  /**
   * One fallible point, named after the kernel call it mirrors (e.g. {@code kzalloc(ioas)}).
   * Returns true when the armed fail-nth counter says this one fails.
   */
  public boolean shouldFail(String point) {
    if (failNth <= 0) {
      return false;
    }
    failNth--;
    if (failNth == 0) {
      lastFailPoint = point;
      kernel.noteInjected(this, point);
      return true;
    }
    return false;
  }

  /**
   * {@link #shouldFail(String)} for a point named {@code call(what)}, the name built only when
   * fail-nth is armed (the common case, unarmed, costs no string).
   */
  public boolean shouldFail(String call, String what) {
    return failNth > 0 && shouldFail(call + "(" + what + ")");
  }

  /** The fallible point that the last armed fail-nth hit, or null. */
  public String lastFailPoint() {
    return lastFailPoint;
  }
}
