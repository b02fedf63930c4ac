package org.iommufdsim.sim.kernel.iommufd;

/**
 * An object in an iommufd context's table (mirrors struct iommufd_object): its type, ID and
 * {@code users} count. {@code users} starts at 1, the table's own reference; every persistent
 * relationship adds one. The closed set of kinds is sealed so teardown and invariant checks are
 * exhaustive.
 */
public abstract sealed class IommufdObject
    permits Ioas, HwPagetable, Device, Fault, Selftest, Viommu, Vdevice, Veventq, HwQueue,
        Access {
  private final ObjType type;
  private int id;
  int users = 1;

  protected IommufdObject(ObjType type) {
    this.type = type;
  }

  public final ObjType type() {
    return type;
  }

  public final int id() {
    return id;
  }

  final void setId(int id) {
    this.id = id;
  }

  public final int users() {
    return users;
  }

  /** refcount_inc(&obj->users): a persistent reference from another object. */
  public final void get() {
    users++;
  }

  /** refcount_dec(&obj->users). */
  public final void put() {
    users--;
  }

  @Override
  public String toString() {
    return type + "#" + id;
  }
}
