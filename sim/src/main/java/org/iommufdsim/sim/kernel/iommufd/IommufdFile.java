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
  private AccountMode accountMode;
  private Ioas vfioIoas;
  private boolean released;

  public IommufdFile(Kernel kernel, Task creator, boolean vfioCompatNode) {
    this.kernel = kernel;
    this.creator = creator;
    this.vfioCompatNode = vfioCompatNode;
    this.accountMode = vfioCompatNode ? AccountMode.MM : AccountMode.USER;
    kernel.registerContext(this);
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
