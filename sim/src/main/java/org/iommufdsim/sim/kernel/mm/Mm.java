package org.iommufdsim.sim.kernel.mm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.iommufdsim.sim.kernel.util.U64;
import org.iommufdsim.sim.uapi.Errno;

/**
 * A process's address space: an ordered map of mappings. Addresses are handed out in
 * increasing order, each mapping 2 MiB aligned and followed by an unmapped guard page, and are
 * never reused, so they depend only on the sequence of mmap calls. Mapping 1 TiB costs one
 * entry: storage lives in the {@link MemObject}, only for pages ever written.
 */
public final class Mm {
  /** Where the first mapping goes (16 TiB): 2 MiB aligned, with room for 1 TiB mappings. */
  public static final long MMAP_BASE = 0x100000000000L;
  /** One past the highest user address (47-bit user space). */
  public static final long TASK_SIZE = 0x7ffffffff000L;
  private static final long MAP_ALIGN = 2L << 20;

  private final long pageSize;
  private final TreeMap<Long, Vma> vmas = new TreeMap<>();
  private long next = MMAP_BASE;
  /** The mapping found last (null: none), checked first: a program touches few mappings. */
  private Vma lastFound;

  public Mm(long pageSize) {
    this.pageSize = pageSize;
  }

  public long pageSize() {
    return pageSize;
  }

  /** Picks the address of a new mapping of {@code length} bytes, or -1 if none is left. */
  public long reserve(long length) {
    long start = (next + MAP_ALIGN - 1) & -MAP_ALIGN;
    long rounded = roundUp(length);
    if (rounded <= 0 || start + rounded < start || start + rounded > TASK_SIZE) {
      return -1;
    }
    next = start + rounded + pageSize;
    return start;
  }

  public void insert(Vma vma) {
    lastFound = null;
    vmas.put(vma.start(), vma);
  }

  /** munmap: removes {@code [addr, addr+length)} from every mapping it covers (splitting). */
  public void unmap(long addr, long length) {
    long last = addr + length - 1;
    lastFound = null;
    List<Vma> hit = new ArrayList<>();
    Map.Entry<Long, Vma> first = vmas.floorEntry(addr);
    if (first != null && first.getValue().last() >= addr) {
      hit.add(first.getValue());
    }
    for (Vma v : vmas.subMap(addr, false, last, true).values()) {
      hit.add(v);
    }
    if (first == null || first.getKey() != addr) {
      Vma at = vmas.get(addr);
      if (at != null && !hit.contains(at)) {
        hit.add(at);
      }
    }
    for (Vma v : hit) {
      vmas.remove(v.start());
      if (v.start() < addr) {
        insert(v.slice(v.start(), addr - v.start()));
      }
      if (v.last() > last) {
        insert(v.slice(last + 1, v.last() - last));
      }
      if (v.ref() != null) {
        v.ref().close();
      }
    }
  }

  /** exit_mmap: every mapping goes, closing driver mappings. */
  public void unmapAll() {
    List<Vma> all = List.copyOf(vmas.values());
    vmas.clear();
    lastFound = null;
    for (Vma v : all) {
      if (v.ref() != null) {
        v.ref().close();
      }
    }
  }

  /** The mapping containing {@code addr}, or null. */
  public Vma find(long addr) {
    Vma hit = lastFound;
    if (hit != null && hit.contains(addr)) {
      return hit;
    }
    Map.Entry<Long, Vma> e = vmas.floorEntry(addr);
    if (e == null || !e.getValue().contains(addr)) {
      return null;
    }
    lastFound = e.getValue();
    return lastFound;
  }

  /**
   * Copies user memory out, as copy_from_user: EFAULT-style failure (null) if any byte is
   * unmapped, unreadable, or past the end of its file.
   */
  public byte[] copyFrom(long addr, long length) {
    if (length < 0 || length > Integer.MAX_VALUE - 8) {
      return null;
    }
    byte[] out = new byte[(int) length];
    return access(addr, out, false) ? out : null;
  }

  /** Copies into user memory, as copy_to_user; false (EFAULT) if any byte is not writable. */
  public boolean copyTo(long addr, byte[] bytes) {
    return access(addr, bytes, true);
  }

  /**
   * Whether the kernel's own loads from user memory (copy_from_user) succeed: on x86 any
   * accessible mapping reads (PROT_WRITE and PROT_EXEC pages are readable too; only
   * PROT_NONE faults), protection keys aside.
   */
  private static boolean readable(Vma v) {
    return (v.prot() & 0x7) != 0;
  }

  /** Whether the kernel's stores to user memory (copy_to_user) succeed: PROT_WRITE. */
  private static boolean writable(Vma v) {
    return (v.prot() & 0x2) != 0;
  }

  /** Loads and stores of the program itself ignore PROT bits only in that they need mapping. */
  private boolean access(long addr, byte[] buf, boolean write) {
    if (buf.length == 0) {
      return true;
    }
    if (addr + buf.length - 1 < addr && addr + buf.length != 0) {
      return false;
    }
    if (Long.compareUnsigned(addr, TASK_SIZE) >= 0) {
      return false;
    }
    int done = 0;
    while (done < buf.length) {
      long a = addr + done;
      Vma v = find(a);
      if (v == null) {
        return false;
      }
      if (!(write ? writable(v) : readable(v))) {
        return false;
      }
      long objOff = v.objOffset() + (a - v.start());
      int n = (int) Math.min(buf.length - done, v.last() - a + 1);
      if (objOff + n > v.object().size()) {
        return false;
      }
      if (write) {
        v.object().write(objOff, buf, done, n);
      } else {
        v.object().read(objOff, buf, done, n);
      }
      done += n;
    }
    return true;
  }

  /**
   * check_zeroed_user: 1 if every byte of the range is zero, 0 if one is not, -1 (EFAULT) if
   * some byte is not readable. Cost follows the stored pages, not the length.
   */
  public int checkZeroed(long addr, long length) {
    if (length == 0) {
      return 1;
    }
    if (U64.addOverflows(addr, length - 1) || Long.compareUnsigned(addr + length - 1, TASK_SIZE) >= 0) {
      return -1;
    }
    long a = addr;
    long last = addr + length - 1;
    boolean zero = true;
    while (Long.compareUnsigned(a, last) <= 0) {
      Vma v = find(a);
      if (v == null || !readable(v)) {
        return -1;
      }
      long n = Math.min(last, v.last()) - a + 1;
      long objOff = v.objOffset() + (a - v.start());
      if (objOff + n > v.object().size()) {
        return -1;
      }
      if (zero && !v.object().isZero(objOff, n)) {
        zero = false;
      }
      a += n;
      if (a == 0) {
        break;
      }
    }
    return zero ? 1 : 0;
  }

  /** True if every byte of the range is mapped (whatever its protection). */
  public boolean isMapped(long addr, long length) {
    if (length == 0) {
      return true;
    }
    long a = addr;
    long end = addr + length;
    if (Long.compareUnsigned(end, addr) < 0) {
      return false;
    }
    while (Long.compareUnsigned(a, end) < 0) {
      Vma v = find(a);
      if (v == null) {
        return false;
      }
      a = v.last() + 1;
      if (a == 0) {
        return true;
      }
    }
    return true;
  }

  /** Mappings in address order. */
  public List<Vma> vmas() {
    return List.copyOf(vmas.values());
  }

  public long roundUp(long length) {
    return (length + pageSize - 1) & -pageSize;
  }

  /** Validates munmap arguments as the kernel does; null when fine. */
  public Errno checkMunmap(long addr, long length) {
    if ((addr & (pageSize - 1)) != 0 || length == 0) {
      return Errno.EINVAL;
    }
    long rounded = roundUp(length);
    if (rounded == 0 || Long.compareUnsigned(addr, TASK_SIZE) >= 0
        || Long.compareUnsigned(rounded, TASK_SIZE - addr) > 0) {
      return Errno.EINVAL;
    }
    return null;
  }
}
