package org.iommufdsim.sim.kernel.iommufd;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.TreeMap;
import org.iommufdsim.sim.kernel.iommu.IommuGroup;

/**
 * An IOMMU group as one iommufd context sees it (struct iommufd_group): per PASID (0 = the
 * RID), the HWPT the group is attached to and which of its devices joined that attachment.
 */
final class IommufdGroup {
  /** struct iommufd_attach. */
  static final class Attach {
    HwPagetable hwpt;
    final LinkedHashSet<Device> devices = new LinkedHashSet<>();
  }

  final IommuGroup group;
  final TreeMap<Integer, Attach> pasidAttach = new TreeMap<>();
  int refs;

  IommufdGroup(IommuGroup group) {
    this.group = group;
  }

  Map<Integer, Attach> attaches() {
    return pasidAttach;
  }
}
