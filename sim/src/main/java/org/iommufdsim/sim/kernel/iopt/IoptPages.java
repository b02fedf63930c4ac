package org.iommufdsim.sim.kernel.iopt;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.iommufdsim.sim.kernel.Task;
import org.iommufdsim.sim.kernel.decide.Decider;
import org.iommufdsim.sim.kernel.decide.IoasCheck;
import org.iommufdsim.sim.kernel.mm.MemObject;
import org.iommufdsim.sim.kernel.mm.Vma;
import org.iommufdsim.sim.kernel.util.RunCounts;
import org.iommufdsim.sim.uapi.Errno;

/**
 * The backing of one or more areas (the kernel's {@code struct iopt_pages}): a page-aligned
 * run of user virtual addresses of a process, or of a file. Shared, reference counted, between
 * an area and the areas COPY made from it.
 *
 * <p>Pinning is lazy, as in the kernel: nothing is pinned while no domain or access needs a
 * page. Each page index has a count of users (areas filled into domains, access pins); the
 * first user pins the physical page (looked up through the owner's address space, as
 * pin_user_pages does) and the last one unpins it. Counts and physical runs are stored as
 * ranges, never per page.
 */
public final class IoptPages {
  /** Mirrors io_pagetable.h: enum iopt_address_type. */
  public enum Kind {
    USER,
    FILE,
    DMABUF
  }

  /** Pinned page indices {@code [first, last]} backed by {@code object} from {@code objPage}. */
  public record PhysRun(long first, long last, MemObject object, long objPage) {}

  private final Kind kind;
  private final Task owner;
  private final MemObject file;
  /** For USER: the page-aligned user VA of byte 0. For FILE: the page-aligned file offset. */
  private final long base;
  private final long npages;
  private final boolean writable;
  private final long pageSize;
  private int refs = 1;
  private final RunCounts users = new RunCounts();
  private final TreeMap<Long, PhysRun> phys = new TreeMap<>();
  private org.iommufdsim.sim.kernel.fs.DmabufFile dmabuf;
  private boolean revoked;
  private Runnable onRevoke;

  private IoptPages(Kind kind, Task owner, MemObject file, long base, long npages,
      boolean writable, long pageSize) {
    this.kind = kind;
    this.owner = owner;
    this.file = file;
    this.base = base;
    this.npages = npages;
    this.writable = writable;
    this.pageSize = pageSize;
  }

  public static IoptPages user(Task owner, long uptrDown, long npages, boolean writable) {
    return new IoptPages(Kind.USER, owner, null, uptrDown, npages, writable,
        owner.kernel().pageSize());
  }

  public static IoptPages file(Task opener, MemObject file, long startDown, long npages,
      boolean writable) {
    return new IoptPages(Kind.FILE, null, file, startDown, npages, writable,
        opener.kernel().pageSize());
  }

  /**
   * iopt_alloc_dmabuf_pages + iopt_map_dmabuf: pages of a dma-buf, attached and pinned at once
   * (the attachment holds one user on every page until the pages are released).
   */
  public static IoptPages dmabuf(Task opener, org.iommufdsim.sim.kernel.fs.DmabufFile buf,
      long startDown, long npages, boolean writable) {
    IoptPages p = new IoptPages(Kind.DMABUF, null, buf.memory(), startDown, npages, writable,
        opener.kernel().pageSize());
    p.dmabuf = buf;
    buf.get();
    p.onRevoke = p::revoke;
    buf.addImporter(p.onRevoke);
    p.addUser(null, 0, npages - 1);
    return p;
  }

  /** iopt_revoke_notify: every domain mapping of these pages goes; later fills map nothing. */
  private void revoke() {
    revoked = true;
    for (PhysRun r : List.copyOf(phys.values())) {
      unpinRun(r);
    }
  }

  public boolean revoked() {
    return revoked;
  }

  public Kind kind() {
    return kind;
  }

  public Task owner() {
    return owner;
  }

  public MemObject fileObject() {
    return file;
  }

  /** pages->uptr (USER) or pages->start (FILE). */
  public long base() {
    return base;
  }

  public long npages() {
    return npages;
  }

  public boolean writable() {
    return writable;
  }

  public void get() {
    refs++;
  }

  public void put() {
    refs--;
    if (refs == 0 && kind == Kind.DMABUF) {
      removeUser(0, npages - 1);
      dmabuf.removeImporter(onRevoke);
      dmabuf.put();
    }
  }

  public int refs() {
    return refs;
  }

  public RunCounts users() {
    return users;
  }

  public boolean anyPinned() {
    return !users.isEmpty();
  }

  // ---- pinning ----

  /**
   * Adds a user to page indices {@code [first, last]}, pinning the pages that had none.
   * All or nothing: on error nothing changed.
   */
  public Errno addUser(Task failTask, long first, long last) {
    List<PhysRun> fresh = new ArrayList<>();
    for (long[] z : users.zeroRanges(first, last)) {
      if (failTask != null && failTask.shouldFail("pin_user_pages(batch)")) {
        fresh.forEach(this::unpinRun);
        return Errno.ENOMEM;
      }
      Errno e = resolve(decider(failTask), z[0], z[1], fresh);
      if (e != null) {
        fresh.forEach(this::unpinRun);
        return e;
      }
    }
    users.add(first, last, 1);
    return null;
  }

  /** Where pinning checks record: the calling task's kernel (nowhere when none is known). */
  private Decider decider(Task failTask) {
    Task t = failTask != null ? failTask : owner;
    return t != null ? t.kernel().decider() : new Decider();
  }

  /** Drops a user of {@code [first, last]}, unpinning pages left with none. */
  public void removeUser(long first, long last) {
    users.add(first, last, -1);
    for (long[] z : users.zeroRanges(first, last)) {
      unpinRange(z[0], z[1]);
    }
  }

  /** Resolves and pins {@code [first, last]}; appends the runs pinned to {@code out}. */
  private Errno resolve(Decider d, long first, long last, List<PhysRun> out) {
    long idx = first;
    while (idx <= last) {
      PhysRun run;
      if (kind == Kind.DMABUF && revoked) {
        return null;
      }
      if (kind == Kind.FILE || kind == Kind.DMABUF) {
        if (d.refuse(IoasCheck.PIN_FILE, file == null)) {
          return Errno.EINVAL;
        }
        long objPage = base / pageSize + idx;
        if (d.refuse(IoasCheck.PIN_FILE_SIZE,
            (objPage + (last - idx) + 1) * pageSize > file.size())) {
          return Errno.EINVAL;
        }
        run = new PhysRun(idx, last, file, objPage);
      } else {
        if (d.refuse(IoasCheck.PIN_OWNER, owner.exited())) {
          return Errno.EFAULT;
        }
        long va = base + idx * pageSize;
        Vma v = owner.mm().find(va);
        if (d.refuse(IoasCheck.PIN_USER_VMA,
            // mm/gup.c check_vma_flags: a write pin needs VM_WRITE, a read pin VM_READ
            v == null || (writable ? (v.prot() & 2) == 0 : (v.prot() & 1) == 0), va)) {
          return Errno.EFAULT;
        }
        long inVma = (v.last() - va + 1) / pageSize;
        long runLast = Math.min(last, idx + inVma - 1);
        long objOff = v.objOffset() + (va - v.start());
        if (d.refuse(IoasCheck.PIN_USER_BACKING,
            objOff + (runLast - idx + 1) * pageSize > v.object().size())) {
          return Errno.EFAULT;
        }
        run = new PhysRun(idx, runLast, v.object(), objOff / pageSize);
      }
      run.object().pins().add(run.objPage(), run.objPage() + run.last() - run.first(), 1);
      phys.put(run.first(), run);
      out.add(run);
      idx = run.last() + 1;
    }
    return null;
  }

  private void unpinRun(PhysRun r) {
    unpinRange(r.first(), r.last());
  }

  /** Unpins whatever pinned runs cover {@code [first, last]}, splitting runs at the edges. */
  private void unpinRange(long first, long last) {
    Map.Entry<Long, PhysRun> e = phys.floorEntry(first);
    List<PhysRun> hit = new ArrayList<>();
    if (e != null && e.getValue().last() >= first) {
      hit.add(e.getValue());
    }
    hit.addAll(phys.subMap(first, false, last, true).values());
    for (PhysRun r : hit) {
      phys.remove(r.first());
      long s = Math.max(first, r.first());
      long l = Math.min(last, r.last());
      r.object().pins().add(r.objPage() + (s - r.first()), r.objPage() + (l - r.first()), -1);
      if (r.first() < s) {
        phys.put(r.first(), new PhysRun(r.first(), s - 1, r.object(), r.objPage()));
      }
      if (r.last() > l) {
        phys.put(l + 1, new PhysRun(l + 1, r.last(), r.object(), r.objPage() + (l + 1 - r.first())));
      }
    }
  }

  /** The pinned physical page behind page index {@code idx}, or null. */
  public PhysRun physAt(long idx) {
    Map.Entry<Long, PhysRun> e = phys.floorEntry(idx);
    return e != null && e.getValue().last() >= idx ? e.getValue() : null;
  }

  /** Pinned runs in index order (for invariants). */
  public List<PhysRun> physRuns() {
    return List.copyOf(phys.values());
  }

  public long pageSize() {
    return pageSize;
  }
}
