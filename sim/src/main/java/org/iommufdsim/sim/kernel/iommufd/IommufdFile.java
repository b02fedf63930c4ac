package org.iommufdsim.sim.kernel.iommufd;

import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.kernel.Kernel;
import org.iommufdsim.sim.kernel.Task;
import org.iommufdsim.sim.kernel.fs.KFile;
import org.iommufdsim.sim.uapi.Errno;

/**
 * An open {@code /dev/iommu} (mirrors main.c: struct iommufd_ctx and its file). Holds the
 * object table; its release destroys every object in the kernel's multi-pass, ascending-ID
 * order. Bound devices and event-queue fds hold file references, so release may come later
 * than the user's close.
 */
public final class IommufdFile extends KFile {
  /** enum iopt_pages_account_mode: the RLIMIT_MODE option. */
  public enum AccountMode {
    USER,
    MM
  }

  private final Kernel kernel;
  private final Task creator;
  private final ObjectTable objects = new ObjectTable();
  /** ictx->groups: the iommufd_group of each IOMMU group with a bound device. */
  final java.util.TreeMap<Integer, IommufdGroup> groups = new java.util.TreeMap<>();
  private final boolean vfioCompatNode;
  private final int serial;
  private AccountMode accountMode;
  private Ioas vfioIoas;
  /** mmap regions of this fd (ictx->mt_mmap): offset -> region. */
  private final java.util.TreeMap<Long, MmapRegion> mmaps = new java.util.TreeMap<>();

  /** A region of the iommufd fd a vIOMMU lets user space map (struct iommufd_mmap). */
  public record MmapRegion(IommufdObject owner, org.iommufdsim.sim.kernel.mm.MemObject memory,
      long offset, long length) {}
  private boolean released;

  public IommufdFile(Kernel kernel, Task creator, boolean vfioCompatNode) {
    this.kernel = kernel;
    this.creator = creator;
    this.vfioCompatNode = vfioCompatNode;
    this.accountMode = vfioCompatNode ? AccountMode.MM : AccountMode.USER;
    this.serial = kernel.registerContext(this);
  }

  /** The context's ordinal on this kernel: 1 for the first /dev/iommu ever opened, and so on. */
  public int serial() {
    return serial;
  }

  public Kernel kernel() {
    return kernel;
  }

  public Task creator() {
    return creator;
  }

  public ObjectTable objects() {
    return objects;
  }

  public AccountMode accountMode() {
    return accountMode;
  }

  void setAccountMode(AccountMode mode) {
    accountMode = mode;
  }

  public Ioas vfioIoas() {
    return vfioIoas;
  }

  void setVfioIoas(Ioas ioas) {
    vfioIoas = ioas;
  }

  /** iommufd_viommu_alloc_mmap: the lowest page-aligned offset from PAGE_SIZE that fits. */
  long allocMmap(IommufdObject owner, org.iommufdsim.sim.kernel.mm.MemObject mem, long length) {
    long page = kernel.pageSize();
    long at = page;
    for (MmapRegion r : mmaps.values()) {
      if (at + length <= r.offset()) {
        break;
      }
      at = Math.max(at, (r.offset() + r.length() + page - 1) & -page);
    }
    mmaps.put(at, new MmapRegion(owner, mem, at, length));
    return at;
  }

  /**
   * A mapping of a region: the region's owner gains a user and the file a reference (vm_file)
   * until the last piece of the mapping goes.
   */
  public org.iommufdsim.sim.kernel.mm.Vma.Ref mmapRef(MmapRegion r) {
    r.owner().get();
    if (r.owner() instanceof Viommu v) {
      v.mmapRefs++;
    }
    get();
    return new org.iommufdsim.sim.kernel.mm.Vma.Ref(() -> {
      if (r.owner() instanceof Viommu v) {
        v.mmapRefs--;
      }
      r.owner().put();
      put();
    });
  }

  void freeMmaps(IommufdObject owner) {
    mmaps.values().removeIf(r -> r.owner() == owner);
  }

  /** The region an mmap of exactly {@code [offset, offset+length)} may map, or null (ENXIO). */
  public MmapRegion mmapRegion(long offset, long length) {
    MmapRegion r = mmaps.get(offset);
    return r != null && r.length() == length ? r : null;
  }

  public boolean released() {
    return released;
  }

  @Override
  public String describe() {
    return vfioCompatNode ? "/dev/vfio/vfio" : "/dev/iommu";
  }

  @Override
  public SysResult ioctl(Task task, long request, long arg) {
    return Dispatcher.dispatch(this, task, request, arg);
  }

  /** Mirrors main.c: iommufd_fops_release. */
  @Override
  protected void release() {
    Lifecycle.destroyAll(this);
    released = true;
    kernel.unregisterContext(this);
  }

  /** Looks up an object and checks its type; null means ENOENT to the caller. */
  public IommufdObject get(int id, ObjType type) {
    return objects.get(id, type);
  }

  public Ioas getIoas(int id) {
    return (Ioas) objects.get(id, ObjType.IOAS);
  }

  static SysResult err(Errno e, String reason) {
    return SysResult.err(e, reason);
  }
}
