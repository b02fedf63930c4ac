package org.iommufdsim.sim.kernel.iommufd;

/** A paging HWPT on an IOAS (struct iommufd_hwpt_paging); auto domains are made on attach. */
public final class HwptPaging extends HwPagetable {
  final Ioas ioas;
  boolean autoDomain;
  boolean nestParent;
  /** On the IOAS's hwpt_list (set once the domain was added to the IOAS). */
  boolean listed;

  HwptPaging(Ioas ioas) {
    super(ObjType.HWPT_PAGING);
    this.ioas = ioas;
  }

  public Ioas ioas() {
    return ioas;
  }

  public boolean autoDomain() {
    return autoDomain;
  }

  public boolean nestParent() {
    return nestParent;
  }
}
