package org.iommufdsim.scenarios.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.iommufdsim.sim.host.SegmentationFault;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.host.Syscalls;
import org.iommufdsim.sim.host.UserMemory;
import org.iommufdsim.sim.uapi.Errno;

/**
 * A stand-in for the simulated kernel in runner tests: sparse user memory, mmap at increasing
 * addresses, fds from 3, and ioctl/read/write answered by the test. It records every call, so
 * a test can look at exactly what the runner laid out.
 */
final class FakeKernel implements Syscalls {
  /** Answers one ioctl, read or write; may look at and change user memory. */
  @FunctionalInterface
  interface Handler {
    SysResult handle(UserMemory mem, int fd, long request, long arg, long count);
  }

  record Call(String name, int fd, long request, long arg, long count) {}

  private static final long PAGE = 4096;
  private final Map<Long, byte[]> pages = new TreeMap<>();
  private final TreeMap<Long, Long> maps = new TreeMap<>();
  private final List<Call> calls = new ArrayList<>();
  private long nextAddr = 0x7f0000000000L;
  private int nextFd = 3;
  Handler ioctl = (mem, fd, req, arg, count) -> SysResult.ok();
  Handler read = (mem, fd, req, buf, count) -> SysResult.ok(0);
  Handler write = (mem, fd, req, buf, count) -> SysResult.ok(count);

  List<Call> calls() {
    return calls;
  }

  Call last(String name) {
    return calls.reversed().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
  }

  private final UserMemory memory = new UserMemory() {
    @Override
    public byte[] load(long addr, int length) {
      check(addr, length);
      byte[] out = new byte[length];
      for (int i = 0; i < length; i++) {
        byte[] p = pages.get((addr + i) / PAGE);
        out[i] = p == null ? 0 : p[(int) ((addr + i) % PAGE)];
      }
      return out;
    }

    @Override
    public void store(long addr, byte[] bytes) {
      check(addr, bytes.length);
      for (int i = 0; i < bytes.length; i++) {
        pages.computeIfAbsent((addr + i) / PAGE, k -> new byte[(int) PAGE])
            [(int) ((addr + i) % PAGE)] = bytes[i];
      }
    }

    @Override
    public boolean isMapped(long addr, long length) {
      Map.Entry<Long, Long> e = maps.floorEntry(addr);
      return e != null && addr + length <= e.getKey() + e.getValue();
    }

    private void check(long addr, long length) {
      if (!isMapped(addr, length)) {
        throw new SegmentationFault(addr, length);
      }
    }
  };

  @Override
  public int pid() {
    return 1;
  }

  @Override
  public SysResult open(String path) {
    calls.add(new Call("open", -1, 0, 0, 0));
    return SysResult.ok(nextFd++);
  }

  @Override
  public SysResult close(int fd) {
    calls.add(new Call("close", fd, 0, 0, 0));
    return SysResult.ok();
  }

  @Override
  public SysResult ioctl(int fd, long request, long arg) {
    calls.add(new Call("ioctl", fd, request, arg, 0));
    return ioctl.handle(memory, fd, request, arg, 0);
  }

  @Override
  public SysResult read(int fd, long buf, long count) {
    calls.add(new Call("read", fd, 0, buf, count));
    return read.handle(memory, fd, 0, buf, count);
  }

  @Override
  public SysResult write(int fd, long buf, long count) {
    calls.add(new Call("write", fd, 0, buf, count));
    return write.handle(memory, fd, 0, buf, count);
  }

  @Override
  public SysResult poll(int fd, int events) {
    return SysResult.ok(events & 0x4);
  }

  @Override
  public SysResult mmap(long addr, long length, int prot, int flags, int fd, long offset) {
    calls.add(new Call("mmap", fd, 0, addr, length));
    long start = nextAddr;
    maps.put(start, length);
    nextAddr = (start + length + PAGE + (2L << 20) - 1) & -(2L << 20);
    return SysResult.ok(start);
  }

  @Override
  public SysResult munmap(long addr, long length) {
    return maps.remove(addr) == null ? SysResult.err(Errno.EINVAL, "not mapped") : SysResult.ok();
  }

  @Override
  public SysResult fcntl(int fd, int cmd, long arg) {
    return SysResult.ok();
  }

  @Override
  public SysResult memfdCreate(String name, int flags) {
    return SysResult.ok(nextFd++);
  }

  @Override
  public SysResult ftruncate(int fd, long length) {
    return SysResult.ok();
  }

  @Override
  public SysResult failNth(int n) {
    return SysResult.ok();
  }

  @Override
  public long failNthRemaining() {
    return 0;
  }

  @Override
  public UserMemory memory() {
    return memory;
  }

  @Override
  public long pageSize() {
    return PAGE;
  }
}
