package org.iommufdsim.properties.transcript;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.host.Syscalls;
import org.iommufdsim.sim.host.UserMemory;
import org.iommufdsim.sim.uapi.IoctlDef;

/**
 * A process's system-call surface that records every call it passes on, so that a property can
 * print what its program did as a {@code .scn} scenario ({@link ScnTranscript}). It changes
 * nothing: every call goes to the wrapped surface and its answer comes back unchanged. What it
 * keeps of user memory (an ioctl's struct before and after, the input data the struct points
 * to, the start of a read or write buffer) is read without faulting and bounded, so a bad
 * pointer or a wild length neither throws nor costs.
 */
public final class RecordingSyscalls implements Syscalls {
  private static final int MAX_IO_CAPTURE = 4096;

  private final Syscalls inner;
  private final List<Call> calls = new ArrayList<>();

  public RecordingSyscalls(Syscalls inner) {
    this.inner = inner;
  }

  /** The wrapped surface (calls made on it directly are not recorded). */
  public Syscalls inner() {
    return inner;
  }

  /** Every call recorded so far, in order (a read-only view). */
  public List<Call> calls() {
    return Collections.unmodifiableList(calls);
  }

  @Override
  public int pid() {
    return inner.pid();
  }

  @Override
  public SysResult open(String path) {
    SysResult r = inner.open(path);
    calls.add(new Call.Open(path, r));
    return r;
  }

  @Override
  public SysResult close(int fd) {
    SysResult r = inner.close(fd);
    calls.add(new Call.Close(fd, r));
    return r;
  }

  @Override
  public SysResult ioctl(int fd, long request, long arg) {
    UserMemory mem = inner.memory();
    long page = inner.pageSize();
    IoctlDef def = IoctlCapture.def(request);
    int n = IoctlCapture.length(mem, page, def, arg);
    byte[] before = SafeMemory.prefix(mem, page, arg, n);
    byte[] pointee = IoctlCapture.pointee(mem, page, def, before);
    boolean outMapped = IoctlCapture.outBufferMapped(mem, def, before);
    SysResult r = inner.ioctl(fd, request, arg);
    byte[] after = IoctlCapture.padded(SafeMemory.prefix(mem, page, arg, before.length),
        before.length);
    calls.add(new Call.Ioctl(fd, request, arg, def, before, after, pointee, outMapped, r));
    return r;
  }

  @Override
  public SysResult read(int fd, long buf, long count) {
    SysResult r = inner.read(fd, buf, count);
    byte[] data = r.isOk() && r.value() > 0
        ? SafeMemory.prefix(inner.memory(), inner.pageSize(), buf,
            Math.min(r.value(), MAX_IO_CAPTURE))
        : new byte[0];
    calls.add(new Call.Read(fd, buf, count, data, r));
    return r;
  }

  @Override
  public SysResult write(int fd, long buf, long count) {
    byte[] data = count <= 0 ? new byte[0] : SafeMemory.prefix(inner.memory(),
        inner.pageSize(), buf, count);
    boolean mapped = count <= 0 || data.length > 0;
    SysResult r = inner.write(fd, buf, count);
    calls.add(new Call.Write(fd, buf, count, mapped ? data : null, r));
    return r;
  }

  @Override
  public SysResult poll(int fd, int events) {
    SysResult r = inner.poll(fd, events);
    calls.add(new Call.Poll(fd, events, r));
    return r;
  }

  @Override
  public SysResult mmap(long addr, long length, int prot, int flags, int fd, long offset) {
    SysResult r = inner.mmap(addr, length, prot, flags, fd, offset);
    calls.add(new Call.Mmap(addr, length, prot, flags, fd, offset, r));
    return r;
  }

  @Override
  public SysResult munmap(long addr, long length) {
    SysResult r = inner.munmap(addr, length);
    calls.add(new Call.Munmap(addr, length, r));
    return r;
  }

  @Override
  public SysResult fcntl(int fd, int cmd, long arg) {
    SysResult r = inner.fcntl(fd, cmd, arg);
    calls.add(new Call.Fcntl(fd, cmd, arg, r));
    return r;
  }

  @Override
  public SysResult memfdCreate(String name, int flags) {
    SysResult r = inner.memfdCreate(name, flags);
    calls.add(new Call.MemfdCreate(name, flags, r));
    return r;
  }

  @Override
  public SysResult ftruncate(int fd, long length) {
    SysResult r = inner.ftruncate(fd, length);
    calls.add(new Call.Ftruncate(fd, length, r));
    return r;
  }

  @Override
  public SysResult failNth(int n) {
    SysResult r = inner.failNth(n);
    calls.add(new Call.FailNth(n, r));
    return r;
  }

  /** A read of {@code /proc}, not a system call a scenario can express: not recorded. */
  @Override
  public long failNthRemaining() {
    return inner.failNthRemaining();
  }

  @Override
  public UserMemory memory() {
    return inner.memory();
  }

  @Override
  public long pageSize() {
    return inner.pageSize();
  }
}
