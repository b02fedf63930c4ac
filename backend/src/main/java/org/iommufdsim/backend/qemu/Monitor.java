package org.iommufdsim.backend.qemu;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The monitor's named file descriptors ({@code getfd} over QMP/HMP) and whether the current
 * code runs on behalf of a monitor command ({@code monitor_cur() != NULL}); at command-line
 * time it does not. Port of the {@code monitor/fds.c} pieces the {@code fd} property uses.
 */
public final class Monitor {
  private final Map<String, Integer> fds = new LinkedHashMap<>();
  private boolean current;

  /** Runs later code as a monitor command ({@code object-add}) or from the command line. */
  public void setCurrent(boolean inMonitor) {
    current = inMonitor;
  }

  /** QMP {@code getfd fdname=name} with {@code fd} passed over the socket. */
  public void getfd(String name, int fd) {
    fds.put(name, fd);
  }

  /**
   * {@code monitor_fd_param(monitor_cur(), fdname, errp)}: a name is looked up among the
   * monitor's fds (and taken: the caller owns it), a number is parsed by {@code qemu_parse_fd}.
   */
  public int monitorFdParam(String fdname, Errp errp) {
    if (!fdname.isEmpty() && !Character.isDigit(fdname.charAt(0)) && current) {
      return monitorGetFd(fdname, errp);
    }
    int fd = qemuParseFd(fdname);
    if (fd < 0) {
      errp.setg("Invalid file descriptor number '" + fdname + "'");
    }
    return fd;
  }

  private int monitorGetFd(String fdname, Errp errp) {
    Integer fd = fds.remove(fdname);
    if (fd == null) {
      errp.setg("File descriptor named '" + fdname + "' has not been found");
      return -1;
    }
    return fd;
  }

  /** {@code qemu_parse_fd()}: a whole decimal number in {@code [0, INT_MAX]}, else -1. */
  static int qemuParseFd(String param) {
    String s = param.strip();
    if (s.isEmpty() || !s.equals(param.stripLeading())) {
      return -1;
    }
    try {
      long v = Long.parseLong(s.startsWith("+") ? s.substring(1) : s);
      return v < 0 || v > Integer.MAX_VALUE ? -1 : (int) v;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
