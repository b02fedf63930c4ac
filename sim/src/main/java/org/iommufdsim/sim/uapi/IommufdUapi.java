package org.iommufdsim.sim.uapi;

import static org.iommufdsim.sim.uapi.CStruct.u32;

/**
 * {@code include/uapi/linux/iommufd.h} as of Linux v7.0: every ioctl number, flag, enum and
 * struct. Struct constants carry the C struct name; ioctl constants the macro name.
 */
public final class IommufdUapi {
  public static final UapiRegistry REG = new UapiRegistry("include/uapi/linux/iommufd.h");

  public static final long IOMMUFD_TYPE = REG.c("iommufd", "IOMMUFD_TYPE", ';');
  public static final long IOMMUFD_CMD_BASE = REG.c("iommufd", "IOMMUFD_CMD_BASE", 0x80);

  // TODO(uapi helper): every enum value and struct of the header, in header order.

  public static final CStruct iommu_destroy =
      REG.struct(CStruct.of("iommu_destroy", "id", u32("size"), u32("id")));
  public static final IoctlDef IOMMU_DESTROY =
      REG.ioctl("IOMMU_DESTROY", UapiRegistry.io(';', 0x80), iommu_destroy);

  public static final CStruct iommu_ioas_alloc =
      REG.struct(
          CStruct.of(
              "iommu_ioas_alloc", "out_ioas_id", u32("size"), u32("flags"), u32("out_ioas_id")));
  public static final IoctlDef IOMMU_IOAS_ALLOC =
      REG.ioctl("IOMMU_IOAS_ALLOC", UapiRegistry.io(';', 0x81), iommu_ioas_alloc);

  private IommufdUapi() {}
}
