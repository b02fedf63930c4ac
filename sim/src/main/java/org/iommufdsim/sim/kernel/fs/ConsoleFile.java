package org.iommufdsim.sim.kernel.fs;

import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.kernel.Task;

/** What fds 0, 1 and 2 hold: a terminal that reads end-of-file and swallows writes. */
public final class ConsoleFile extends KFile {
  @Override
  public String describe() {
    return "/dev/null";
  }

  @Override
  public boolean readable() {
    return true;
  }

  @Override
  public boolean writable() {
    return true;
  }

  @Override
  public SysResult read(Task task, long buf, long count) {
    return SysResult.ok(0);
  }

  @Override
  public SysResult write(Task task, long buf, long count) {
    return SysResult.ok(count);
  }
}
